"""Registries keyed by the scenario's ``type:`` (or ``model:``) names, filled by a class decorator.

Adding a strategy, intervention or payoff model is one class plus its ``@REGISTRY.register(name)``
line. A registered class may carry a pydantic ``Spec`` (its fields in the scenario language): the
registry then derives the spec's ``type`` field from the registered name, so the name is written
once, and tells its listeners (the scenario language, which rebuilds its unions and JSON Schema),
so a class registered late (e.g. inside a test module) reaches the schema with no other edit.
"""

from __future__ import annotations

from typing import Any, Callable, Literal, TypeVar

from pydantic import create_model

T = TypeVar("T", bound=type)


class Registry(dict):
    """Classes by scenario name, in registration order."""

    def __init__(self, kind: str, key: str = "type"):
        super().__init__()
        self.kind = kind  # e.g. "intervention", for messages
        self.key = key  # the YAML key naming the class: "type" or "model"
        self._listeners: list[Callable[[], None]] = []

    def register(self, name: str) -> Callable[[T], T]:
        """Class decorator: store the class under ``name`` and set ``cls.type`` (or
        ``cls.model``) to it; a nested ``Spec`` gains the literal ``type`` field."""

        def add(cls: T) -> T:
            setattr(cls, self.key, name)
            spec = getattr(cls, "Spec", None)
            if spec is not None:
                cls.Spec = _with_tag(spec, self.key, name, cls.__name__)
            self[name] = cls
            for listener in self._listeners:
                listener()
            return cls

        return add

    def remove(self, name: str) -> None:
        """Unregister ``name`` (and tell the listeners)."""
        del self[name]
        for listener in self._listeners:
            listener()

    def on_change(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` after every later registration."""
        self._listeners.append(listener)

    def specs(self) -> tuple[type, ...]:
        """The pydantic specs of the registered classes, in registration order."""
        return tuple(cls.Spec for cls in self.values())


def _with_tag(spec: type, key: str, name: str, title: str) -> type:
    """A subclass of ``spec`` with the discriminating field ``key: Literal[name]`` (required),
    named ``title`` (the registered class's name, so JSON Schema definitions stay distinct) and
    keeping the spec's docstring as its description."""
    fields: dict[str, Any] = {key: (Literal[name], ...)}
    return create_model(
        title, __base__=spec, __module__=spec.__module__, __doc__=spec.__doc__, **fields
    )


def registrar(table: dict[str, type]) -> Callable[[str], Callable[[T], T]]:
    """A decorator factory for a plain dict: ``@register("name")`` sets ``cls.type`` and stores
    the class in ``table`` (for a :class:`Registry`, its own ``register``)."""
    if isinstance(table, Registry):
        return table.register

    def register(type_name: str) -> Callable[[T], T]:
        def add(cls: T) -> T:
            cls.type = type_name
            table[type_name] = cls
            return cls

        return add

    return register
