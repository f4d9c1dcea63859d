"""The ``s3`` image host: any S3-compatible store (AWS S3, Cloudflare R2, Backblaze B2, MinIO).

:class:`S3Host` uploads a prepared image with boto3 under an unguessable key (128 random bits)
with its content type, then returns a presigned GET URL that expires after
``Settings.s3_url_expires``. boto3 signs everything; nothing is signed by hand. Its blocking
calls run in a worker thread. The secret key is held only inside the boto3 client: it is
never in a repr, a log line or an error message.
"""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

from studio.config import Settings
from studio.domain.validation import host_allowed
from studio.errors import ConfigError, UploadError
from studio.images.prepare import PreparedImage

__all__ = ["S3Host", "KEY_PREFIX"]

KEY_PREFIX = "kling-studio/inputs/"
_HINTS = {
    "NoSuchBucket": "the bucket does not exist (check STUDIO_S3_BUCKET)",
    "InvalidAccessKeyId": "the access key is not known to the store (check STUDIO_S3_ACCESS_KEY_ID)",
    "SignatureDoesNotMatch": "the secret key is wrong (check STUDIO_S3_SECRET_ACCESS_KEY)",
    "AccessDenied": "the key may not write to this bucket (give it write access)",
    "AuthorizationHeaderMalformed": "the region is wrong (check STUDIO_S3_REGION)",
}


class S3Host:
    """Publishes to an S3-compatible bucket and hands out presigned, expiring GET URLs."""

    name = "s3"
    unreachable_hint = "check that STUDIO_S3_ENDPOINT_URL is reachable from the internet"

    def __init__(self, settings: Settings) -> None:
        missing = [
            env
            for env, value in (
                ("STUDIO_S3_BUCKET", settings.s3_bucket),
                ("STUDIO_S3_ACCESS_KEY_ID", settings.s3_access_key_id),
                ("STUDIO_S3_SECRET_ACCESS_KEY", settings.s3_secret_access_key),
            )
            if not value
        ]
        if missing:
            raise ConfigError(f"STUDIO_IMAGE_HOST=s3 needs {', '.join(missing)} to be set")
        endpoint = settings.s3_endpoint_url
        if endpoint and not (endpoint.startswith("https://") or host_allowed(endpoint, settings.http_image_hosts)):
            raise ConfigError("STUDIO_S3_ENDPOINT_URL must start with https:// (RunComfy only fetches https links)")
        if not endpoint and settings.s3_region == "auto":
            raise ConfigError(
                "STUDIO_S3_REGION: set your AWS region (for example us-east-1), or set STUDIO_S3_ENDPOINT_URL "
                "for R2, B2 or MinIO"
            )
        self.endpoint_url = endpoint
        self.bucket = settings.s3_bucket
        self.expires = int(settings.s3_url_expires)
        self._settings = settings
        self._client: Any = None
        self._secrets = tuple(s for s in (settings.s3_secret_access_key, settings.s3_access_key_id) if s)

    def __repr__(self) -> str:
        return f"S3Host(endpoint_url={self.endpoint_url or 'AWS'!r}, bucket={self.bucket!r})"

    def _boto(self) -> Any:
        if self._client is None:
            import boto3  # lazily: 0.2 s to import, and only this host needs it
            from botocore.config import Config

            s = self._settings
            config = Config(
                signature_version="s3v4",
                s3={"addressing_style": "path" if s.s3_endpoint_url else "auto"},
                connect_timeout=s.connect_timeout,
                read_timeout=s.read_timeout,
                retries={"max_attempts": s.max_retries + 1, "mode": "standard"},
                # Extra CRC checksums (botocore >= 1.36) are refused by some S3-compatible stores.
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
            )
            self._client = boto3.session.Session().client(
                "s3",
                endpoint_url=s.s3_endpoint_url or None,
                aws_access_key_id=s.s3_access_key_id,
                aws_secret_access_key=s.s3_secret_access_key,
                region_name=s.s3_region,
                config=config,
            )
        return self._client

    def new_key(self, image: PreparedImage) -> str:
        """An unguessable object key: 128 random bits, nothing from the original file name."""
        return f"{KEY_PREFIX}{secrets.token_hex(16)}.{image.extension}"

    async def publish(self, image: PreparedImage, *, expires: int | None = None) -> str:
        """Upload ``image`` and return a presigned GET URL valid for ``expires`` seconds."""
        key = self.new_key(image)
        return await asyncio.to_thread(self._publish, image, key, self.expires if expires is None else expires)

    def _publish(self, image: PreparedImage, key: str, expires: int) -> str:
        from botocore.exceptions import BotoCoreError, ClientError

        field = f"{image.role} image"
        try:
            client = self._boto()
            with open(image.path, "rb") as body:
                client.put_object(Bucket=self.bucket, Key=key, Body=body, ContentType=image.content_type)
            url: str = client.generate_presigned_url(
                "get_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=expires
            )
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            why = _HINTS.get(code) or f"the store refused the upload ({code or 'unknown error'})"
            raise UploadError(self._clean(f"{field}: could not upload to bucket {self.bucket!r}: {why}")) from None
        except BotoCoreError as exc:
            why = f"could not reach the S3 store ({type(exc).__name__}); check STUDIO_S3_ENDPOINT_URL"
            raise UploadError(self._clean(f"{field}: {why}")) from None
        except OSError:
            raise UploadError(f"{field}: the prepared file is gone; prepare the image again") from None
        return url

    def _clean(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    async def aclose(self) -> None:
        """Close the boto3 client's connections."""
        client, self._client = self._client, None
        if client is not None and hasattr(client, "close"):
            await asyncio.to_thread(client.close)
