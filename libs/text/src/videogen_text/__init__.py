"""Text rules shared by the services: sentences, paragraphs, stopwords; no media stack."""
