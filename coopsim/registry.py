"""Registries keyed by the scenario's ``type:`` names, filled by a class decorator."""

from __future__ import annotations

from typing import Callable, TypeVar

T = TypeVar("T", bound=type)


def registrar(table: dict[str, type]) -> Callable[[str], Callable[[T], T]]:
    """A decorator factory: ``@register("tit_for_tat")`` sets ``cls.type`` and stores the class
    in ``table`` under that name."""

    def register(type_name: str) -> Callable[[T], T]:
        def add(cls: T) -> T:
            cls.type = type_name
            table[type_name] = cls
            return cls

        return add

    return register
