"""Pure helpers with no dependency on the rest of the product: the bottom layer, below storage
(docs/architecture.md, "Layers")."""
