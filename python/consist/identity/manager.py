"""``tracker.identity``: the identity helpers a tracker and its users call.

The troubleshooting guide's recipe for "Same inputs/config but cache not found"
works as written::

    identity = tracker.identity
    code_hash = identity.get_code_version()
    config_hash = identity.compute_run_config_hash(config={"p": 1}, model="m", year=2030)
    raw_hash = identity.compute_config_hash({"p": 1})
    input_hash = identity.compute_file_checksum(Path("input.csv"))

``compute_run_config_hash`` uses the tracker's ``cache_epoch`` unless told
otherwise, so it reproduces the config hash recorded on the run.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from consist.identity import canonical, code, explain, identity_inputs, signature
from consist.identity.hash_backend import digest_path
from consist.identity.signature import SignatureParts
from consist.options import HASH_ALGORITHMS, HASHING_STRATEGIES, check_hashing_option

__all__ = ["HASHING_STRATEGIES", "HASH_ALGORITHMS", "IdentityManager"]

_TRACKER_EPOCH: Any = object()  # sentinel: "use the tracker's cache_epoch"


class IdentityManager:
    """Computes code, config and input identities and run signatures for one tracker.

    Example:
        >>> ident = IdentityManager(".", hashing_strategy="full")
        >>> ident.compute_config_hash({"a": 1}) == ident.compute_config_hash({"a": 1})
        True
    """

    def __init__(
        self,
        project_root: str | os.PathLike[str] = ".",
        *,
        hashing_strategy: str = "full",
        hash_algorithm: str = "blake3",
        cache_epoch: int | None = 1,
        stat_cache: Any = None,
    ) -> None:
        check_hashing_option("hashing_strategy", hashing_strategy, HASHING_STRATEGIES)
        check_hashing_option("hash_algorithm", hash_algorithm, HASH_ALGORITHMS)
        self.project_root = Path(project_root).resolve()
        self.hashing_strategy = hashing_strategy
        self.hash_algorithm = hash_algorithm
        self.cache_epoch = cache_epoch
        self.stat_cache = stat_cache

    # -- files ---------------------------------------------------------------

    def compute_file_checksum(self, path: str | os.PathLike[str]) -> str:
        """Tagged digest of a file or directory with the tracker's algorithm and strategy.

        Example:
            >>> IdentityManager().compute_file_checksum(__file__)[:7]
            'blake3:'
        """
        return digest_path(
            path,
            algorithm=self.hash_algorithm,
            strategy=self.hashing_strategy,
            stat_cache=self.stat_cache,
        )

    def _identity_digest(self, path: str | os.PathLike[str]) -> str:
        # Identity inputs and extra deps are usually config folders: skip dotfiles
        # (.DS_Store, editor swap files), as Consist 0.3 does for these digests.
        return digest_path(
            path,
            algorithm=self.hash_algorithm,
            strategy=self.hashing_strategy,
            stat_cache=self.stat_cache,
            ignore_dotfiles=True,
        )

    # -- code ----------------------------------------------------------------

    def resolve_code_identity(
        self,
        mode: str | None = None,
        fn: Any = None,
        extra_deps: Sequence[str] | None = None,
    ) -> code.CodeIdentity:
        """Code identity for ``mode`` (default ``repo_git``) with fallback details.

        Test suites written for Consist 0.3 pin the code hash by patching
        ``IdentityManager.get_code_version``; when it is patched, its value is
        used here too (recorded with mode ``"patched"``).

        Example:
            >>> def step():
            ...     pass
            >>> IdentityManager().resolve_code_identity("callable_source", step).mode
            'callable_source'
        """
        if getattr(self.get_code_version, "__func__", None) is not _GET_CODE_VERSION:
            requested = mode or "repo_git"
            return code.CodeIdentity(str(self.get_code_version()), "patched", requested)
        return code.resolve_code_identity(
            mode,
            fn,
            extra_deps,
            project_root=self.project_root,
            path_digest=self._identity_digest,
        )

    def get_code_version(
        self,
        fn: Any = None,
        *,
        mode: str | None = None,
        extra_deps: Sequence[str] | None = None,
    ) -> str:
        """The code hash: git commit (``<sha>-dirty-<hex>`` if edited) or a callable digest.

        Cheap when nothing changed: git runs once per process and again only
        when HEAD, the index or a tracked ``*.py`` file changes.

        Example:
            >>> IdentityManager().get_code_version()  # doctest: +SKIP
            '3f2a9c…'
        """
        return code.resolve_code_identity(
            mode,
            fn,
            extra_deps,
            project_root=self.project_root,
            path_digest=self._identity_digest,
        ).value

    # -- config --------------------------------------------------------------

    def compute_config_hash(self, config: Any, exclude_keys: Iterable[str] | None = None) -> str:
        """Hash of the config alone (no run fields); type-sensitive, key-order-free.

        Example:
            >>> ident = IdentityManager()
            >>> ident.compute_config_hash({"p": 0}) == ident.compute_config_hash({"p": 0.0})
            False
        """
        return canonical.hash_config(config, exclude_keys=exclude_keys)

    def compute_run_config_hash(
        self,
        config: Any = None,
        model: str | None = None,
        year: int | None = None,
        iteration: int | None = None,
        *,
        cache_epoch: int | None = _TRACKER_EPOCH,
        cache_version: int | None = None,
        identity_inputs: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> str:
        """The config hash recorded on a run: config + model/year/iteration + epoch/version.

        Example:
            >>> ident = IdentityManager()
            >>> h = ident.compute_run_config_hash(config={"p": 1}, model="m", year=2030)
            >>> h == ident.compute_run_config_hash(config={"p": 1}, model="m", year=2030)
            True
        """
        epoch = self.cache_epoch if cache_epoch is _TRACKER_EPOCH else cache_epoch
        return signature.compute_run_config_hash(
            config,
            model=model,
            year=year,
            iteration=iteration,
            cache_epoch=epoch,
            cache_version=cache_version,
            identity_inputs=identity_inputs,
            extra=extra,
        )

    def compute_identity_input_digests(self, items: Any) -> dict[str, str]:
        """``{label: digest}`` for ``identity_inputs=[...]`` (raises on any failure).

        Example:
            >>> IdentityManager().compute_identity_input_digests(None)
            {}
        """
        return identity_inputs.compute_identity_input_digests(
            items, path_digest=self._identity_digest, project_root=self.project_root
        )

    # -- inputs and signature -----------------------------------------------

    def compute_input_hash(self, entries: Iterable[Any]) -> str:
        """Hash of the run's inputs: ``InputIdentity`` items or ``(key, digest)`` pairs.

        Example:
            >>> IdentityManager().compute_input_hash([])[:7]
            'blake3:'
        """
        return signature.compute_input_hash(entries)

    def compute_signature(
        self,
        code_hash: str,
        config_hash: str,
        input_hash: str,
        *,
        extra: Mapping[str, Any] | None = None,
    ) -> str:
        """The run signature over the three hashes (and optional ``extra``).

        Example:
            >>> IdentityManager().compute_signature("c", "f", "i")[:7]
            'blake3:'
        """
        return signature.compute_signature(code_hash, config_hash, input_hash, extra=extra)

    calculate_run_signature = compute_signature  # Consist 0.3 name

    def compute_run_identity(
        self,
        *,
        config: Any = None,
        model: str | None = None,
        year: int | None = None,
        iteration: int | None = None,
        cache_epoch: int | None = _TRACKER_EPOCH,
        cache_version: int | None = None,
        identity_inputs: Any = None,
        inputs: Iterable[Any] = (),
        fn: Any = None,
        code_identity: str | None = None,
        extra_deps: Sequence[str] | None = None,
        config_extra: Mapping[str, Any] | None = None,
        signature_extra: Mapping[str, Any] | None = None,
    ) -> SignatureParts:
        """Everything for one run in one call: code, config, inputs, signature.

        ``identity_inputs`` is the user's list (digested here); ``inputs`` are
        ``InputIdentity`` items. The result explains itself later through
        ``explain_difference``.

        Example:
            >>> def step():
            ...     pass
            >>> parts = IdentityManager().compute_run_identity(
            ...     config={"p": 1}, model="m", fn=step, code_identity="callable_source"
            ... )
            >>> parts.code_identity_mode
            'callable_source'
        """
        ident = self.resolve_code_identity(code_identity, fn, extra_deps)
        id_digests = self.compute_identity_input_digests(identity_inputs)
        epoch = self.cache_epoch if cache_epoch is _TRACKER_EPOCH else cache_epoch
        raw_config_hash = self.compute_config_hash(config)
        config_hash = signature.run_config_hash_from(
            raw_config_hash,
            model=model,
            year=year,
            iteration=iteration,
            cache_epoch=epoch,
            cache_version=cache_version,
            identity_inputs=id_digests,
            extra=config_extra,
        )
        entries = list(inputs)
        input_hash = signature.compute_input_hash(entries)
        extra_hash = None
        if signature_extra:
            extra_hash = canonical.hash_config(dict(signature_extra))
        sig = self.compute_signature(ident.value, config_hash, input_hash, extra=signature_extra)
        return SignatureParts(
            signature=sig,
            code_hash=ident.value,
            config_hash=config_hash,
            input_hash=input_hash,
            code_identity_mode=ident.mode,
            raw_config_hash=raw_config_hash,
            model=model,
            year=year,
            iteration=iteration,
            cache_epoch=epoch,
            cache_version=cache_version,
            identity_inputs=id_digests,
            inputs=_input_map(signature.input_contributions(entries)),
            extra_hash=extra_hash,
        )

    def explain_difference(
        self, new: SignatureParts | Mapping[str, Any], old: SignatureParts | Mapping[str, Any]
    ) -> list[str]:
        """Which identity components differ between two runs ("why did it rerun?").

        Example:
            >>> p = SignatureParts(signature="s", code_hash="c", config_hash="f", input_hash="i")
            >>> IdentityManager().explain_difference(p, p)
            []
        """
        return explain.explain_difference(new, old)


def _input_map(contributions: list[tuple[str, str, str]]) -> dict[str, str]:
    result: dict[str, str] = {}
    for key, kind, value in contributions:
        name, n = key, 2
        while name in result:  # the same key twice: keep both, distinguishably
            name, n = f"{key}#{n}", n + 1
        result[name] = f"{kind}:{value}"
    return result


_GET_CODE_VERSION = IdentityManager.get_code_version
