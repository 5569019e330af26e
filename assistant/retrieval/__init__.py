"""Finding passages: retrievers (dense, BM25, hybrid) and the reranker stage."""
