"""Custom Rasa NLU components: redaction before NLU and safety signals after classification."""
