"""Requirements → design: the designers (offline rules, language models) and the critique loop."""
