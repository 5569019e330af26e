"""Packaging the parts pyproject.toml cannot express: the shipped prompts/ and data/ inside the wheel.

The product card fixes prompts/ and data/sample/ at the top of the checkout, but an installed package has no
"top"; they are mapped into assistant/_bundle/ (found by assistant/bundled.py) rather than installed as top-level
`prompts`/`data` packages that would clash in site-packages. Everything else is configured in pyproject.toml.
"""

from setuptools import find_namespace_packages, setup

BUNDLE = {"assistant._bundle.prompts": "prompts", "assistant._bundle.data": "data",
          "assistant._bundle.data.sample": "data/sample"}

setup(
    packages=find_namespace_packages(include=["assistant*", "ingest*", "vectorstore*"], exclude=["*__pycache__"])
    + list(BUNDLE),
    package_dir=BUNDLE,  # which files of them ship: [tool.setuptools.package-data] in pyproject.toml
)
