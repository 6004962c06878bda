"""The Gemini engine: prompts, the model port and its google-genai adapter, checks, batching."""
