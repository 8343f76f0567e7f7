"""The corpus layer: what is learnt by comparing documents with each other.

``fingerprint`` holds the MinHash signatures and LSH band keys behind near-duplicate and
shared-passage search; the store keeps them beside each document so adding one document never
revisits the others.
"""
