"""PyScript's ``pyscript.media``: the browser's cameras and microphones (``list_devices``,
``Device``, ``Device.request_stream``), the same on both interpreters and threads; in a worker
the devices and streams stay on the page and are used through the channel.

A browser asks the user before it hands out a stream: ``request_stream`` raises the browser's
``NotAllowedError`` (as ``JsException``) when the user or a headless browser says no.
"""

from __future__ import annotations

from typing import Any

from pyscript_ffi import _runtime

from .ffi import to_js

__all__ = ["Device", "list_devices"]


def _media_devices() -> Any:
    return _runtime.current().window.navigator.mediaDevices


class Device:
    """One media input or output (a ``MediaDeviceInfo``): ``id``, ``group``, ``kind``
    (``"videoinput"``, ``"audioinput"``, ``"audiooutput"``) and ``label``, also as
    ``device["kind"]``."""

    def __init__(self, device: Any) -> None:
        self._device_info = device

    @property
    def id(self) -> str:
        return str(self._device_info.deviceId)

    @property
    def group(self) -> str:
        return str(self._device_info.groupId)

    @property
    def kind(self) -> str:
        return str(self._device_info.kind)

    @property
    def label(self) -> str:
        return str(self._device_info.label)

    def __getitem__(self, key: str) -> Any:
        return getattr(self, key)

    def __repr__(self) -> str:
        return f"<Device {self.kind} {self.label!r}>"

    @classmethod
    async def request_stream(cls, audio: bool | dict[str, Any] = False,
                             video: bool | dict[str, Any] = True) -> Any:
        """A ``MediaStream`` with audio and/or video (True, or a dict of constraints).

        Raises:
            JsException: the browser refused (``NotAllowedError``) or has no such device.
        """
        options = {name: value for name, value in (("audio", audio), ("video", video))
                   if isinstance(value, (bool, dict))}
        devices = _media_devices()
        if _runtime.current().channel is not None:  # a dict crosses as a plain object
            return await devices.getUserMedia(options)
        return await devices.getUserMedia(to_js(options))

    @classmethod
    async def load(cls, audio: bool | dict[str, Any] = False,
                   video: bool | dict[str, Any] = True) -> Any:
        """``request_stream``'s older name."""
        return await cls.request_stream(audio=audio, video=video)

    async def get_stream(self) -> Any:
        """A stream from this very device."""
        kind = self.kind.replace("input", "").replace("output", "")
        return await self.request_stream(**{kind: {"deviceId": {"exact": self.id}}})


async def list_devices() -> list[Device]:
    """The page's media devices (labels stay empty until the user allowed a stream)."""
    infos = await _media_devices().enumerateDevices()
    return [Device(info) for info in infos]
