"""Traces, metrics and log context: one job followed from the API through the trigger
and the worker, in Cloud Trace, Cloud Monitoring and Cloud Logging."""
