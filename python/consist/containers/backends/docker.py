"""Docker backend, through the ``docker`` SDK (``pip install 'consist[docker]'``).

The SDK is imported only when a Docker step runs, so ``import consist`` stays fast.
Every container gets a unique label, so it can be found and removed even if Ctrl-C
arrives between "create" and the SDK handing back its id.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from typing import Any

from consist.containers.backends.base import (
    LOG_TAIL_LINES,
    ContainerOutcome,
    LogSink,
    ResolvedImage,
    tail_lines,
)
from consist.containers.spec import ContainerSpec
from consist.errors import ContainerError

__all__ = ["CLEANUP_LABEL", "DockerBackend"]

logger = logging.getLogger("consist.containers")
CLEANUP_LABEL = "consist.container_token"


class DockerBackend:
    """Run container steps on the local Docker engine.

    Example:
        >>> backend = DockerBackend()
        >>> image = backend.resolve_image("busybox:latest", pull_latest=False)  # doctest: +SKIP
        >>> image.digest  # doctest: +SKIP
        'sha256:…'
    """

    name = "docker"

    def __init__(self, client: Any | None = None) -> None:
        self._client = client

    def client(self) -> Any:
        """The SDK client, created on first use from the environment (DOCKER_HOST, ...)."""
        if self._client is None:
            docker = _import_docker()
            try:
                self._client = docker.from_env()
                self._client.ping()
            except docker.errors.DockerException as exc:
                raise ContainerError(
                    "Docker engine is not reachable.",
                    cause=_reason(exc),
                    fix="Start the Docker daemon (check with `docker info`) or set DOCKER_HOST.",
                ) from exc
        return self._client

    def resolve_image(self, image: str, *, pull_latest: bool) -> ResolvedImage:
        """Pin ``image`` to its content digest, pulling first when ``pull_latest``.

        A failed pull falls back to the local image and says so in the log.
        """
        docker = _import_docker()
        client = self.client()
        pull_error: str | None = None
        if pull_latest:
            repository, tag = docker.utils.parse_repository_tag(image)
            try:
                # Always name a tag: without one the SDK pulls every tag of the repository.
                client.images.pull(repository, tag=tag or "latest")
            except docker.errors.DockerException as exc:
                pull_error = _reason(exc)
                logger.warning(
                    "Could not pull latest docker image %s; falling back to local image "
                    "if available: %s",
                    image,
                    pull_error,
                )
        try:
            found = client.images.get(image)
        except docker.errors.ImageNotFound as exc:
            if pull_error is not None:
                raise ContainerError(
                    f"Error pulling image: {pull_error}",
                    cause=f"Image {image} could not be pulled and is not present locally.",
                    fix="Run `docker login` for private registries, check the image name, "
                    "or build/load the image locally (`docker images | grep NAME`).",
                ) from exc
            raise ContainerError(
                f"Container image not found locally: {image}",
                cause="pull_latest=False, so consist does not contact a registry, and the "
                "local Docker engine has no image with this name.",
                fix=f"Build or pull it first (`docker pull {image}`), or pass pull_latest=True.",
            ) from exc
        except docker.errors.DockerException as exc:
            raise ContainerError(
                f"Could not inspect container image: {image}", cause=_reason(exc)
            ) from exc
        if pull_error is not None:
            logger.warning("Using local image %s (%s) after the failed pull.", image, found.id)
        return ResolvedImage(name=image, digest=_content_digest(found), run_ref=found.id)

    def run(
        self,
        spec: ContainerSpec,
        image: ResolvedImage,
        *,
        labels: Mapping[str, str],
        on_log: LogSink | None = None,
    ) -> ContainerOutcome:
        """Create, start and wait for one container; remove it whatever happens."""
        docker = _import_docker()
        client = self.client()
        token = uuid.uuid4().hex
        container = None
        try:
            container = client.containers.create(
                image.run_ref,
                command=list(spec.command),
                environment=spec.environment_dict(),
                working_dir=spec.working_dir,
                volumes={str(v.host): {"bind": v.container, "mode": v.mode} for v in spec.volumes},
                labels={**labels, CLEANUP_LABEL: token},
            )
            container.start()
            if on_log is not None:
                for chunk in container.logs(stream=True, follow=True):
                    for line in chunk.decode("utf-8", "replace").splitlines():
                        on_log(line)
            status = container.wait()
            raw = container.logs(stdout=True, stderr=True, tail=LOG_TAIL_LINES)
            return ContainerOutcome(
                exit_code=int(status.get("StatusCode", -1)),
                log_tail=tail_lines(raw.decode("utf-8", "replace").splitlines()),
                container_id=container.id,
            )
        except docker.errors.DockerException as exc:
            raise ContainerError(
                f"Docker could not run the container for image {image.name}",
                cause=_reason(exc),
                fix="Check the command exists in the image and the volumes are readable.",
            ) from exc
        finally:
            _remove(client, container, token)


def _content_digest(image: Any) -> str:
    """The registry digest when the image came from one, else the local image id.

    The same image pulled under two names shares its ``sha256:`` part, so only that part
    is kept; locally built images have no RepoDigests and are named by their id.
    """
    repo_digests = sorted(
        d.split("@", 1)[1] for d in image.attrs.get("RepoDigests") or [] if "@" in d
    )
    return repo_digests[0] if repo_digests else image.id


def _remove(client: Any, container: Any, token: str) -> None:
    docker = _import_docker()
    targets = [container] if container is not None else []
    if not targets:  # interrupted while creating: find it by its unique label
        try:
            targets = client.containers.list(
                all=True, filters={"label": f"{CLEANUP_LABEL}={token}"}
            )
        except docker.errors.DockerException as exc:
            logger.warning("Could not look up container %s for removal: %s", token, exc)
    for target in targets:
        try:
            target.remove(force=True, v=True)
        except docker.errors.NotFound:
            pass
        except docker.errors.DockerException as exc:
            logger.warning("Could not remove container %s: %s", target.id, _reason(exc))


def _reason(exc: BaseException) -> str:
    explanation = getattr(exc, "explanation", None)
    return str(explanation or exc).strip()


def _import_docker() -> Any:
    try:
        import docker  # optional extra, imported on use
        import docker.errors
        import docker.utils
    except ImportError as exc:
        raise ContainerError(
            "The docker backend needs the 'docker' package.",
            cause=str(exc),
            fix="Install it with: pip install 'consist[docker]'.",
        ) from exc
    return docker
