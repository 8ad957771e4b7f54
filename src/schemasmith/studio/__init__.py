"""The studio (`schemasmith serve`): one local web page over the design, its review, its
generated artifacts and its migration, served with its scripts from inside the package."""
