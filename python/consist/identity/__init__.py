"""Run identity: canonical config encoding, code identity, input hashing, signatures.

The tracker owns one ``IdentityManager`` (``tracker.identity``); the pure
functions below are what it is built from.

    >>> from consist.identity import compute_signature, hash_config
    >>> compute_signature("code", hash_config({"p": 1}), "inputs")[:7]
    'blake3:'
"""

from consist.identity.canonical import encode_canonical, hash_config
from consist.identity.code import CodeIdentity, resolve_code_identity
from consist.identity.explain import changed_components, explain_difference
from consist.identity.identity_inputs import (
    compute_identity_input_digests,
    normalize_identity_inputs,
)
from consist.identity.manager import IdentityManager
from consist.identity.signature import (
    InputIdentity,
    SignatureParts,
    compute_input_hash,
    compute_run_config_hash,
    compute_signature,
)

__all__ = [
    "CodeIdentity",
    "IdentityManager",
    "InputIdentity",
    "SignatureParts",
    "changed_components",
    "compute_identity_input_digests",
    "compute_input_hash",
    "compute_run_config_hash",
    "compute_signature",
    "encode_canonical",
    "explain_difference",
    "hash_config",
    "normalize_identity_inputs",
    "resolve_code_identity",
]
