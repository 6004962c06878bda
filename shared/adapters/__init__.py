"""Adapters: the ports of shared/service implemented with Google Cloud clients."""
