"""A small blog API (Author, Article, Tag) served by ninja_aio viewsets with JWT auth."""
