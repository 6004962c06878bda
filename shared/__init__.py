"""Code shared by the Cloud Functions: domain, text pipeline, adapters."""
