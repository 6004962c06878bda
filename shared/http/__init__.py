"""HTTP entry points' plumbing: routing, request models, one error-to-response mapping."""
