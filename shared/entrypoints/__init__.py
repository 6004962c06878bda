"""What each Cloud Function does with its request or event: parse, call the service, answer."""
