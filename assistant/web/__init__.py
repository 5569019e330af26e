"""The web app: public investor chat at "/", staff pages behind a login at "/staff" (Gradio on FastAPI)."""
