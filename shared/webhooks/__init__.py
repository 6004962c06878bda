"""Webhook deliveries as the Standard Webhooks specification has them: signatures and
headers (`signatures`), and which URLs and addresses a delivery may reach (`targets`).

Pure: the standard library only. The sender that connects and the sealer that keeps
signing secrets encrypted are adapters (`shared/adapters/webhook_sender.py`,
`shared/adapters/webhook_secrets.py`).
"""
