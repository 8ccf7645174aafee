"""Say a numeric id the way people do ("post 3", "ticket 12") wherever a query states one literally.

Phrasebook templates must read well both when an id argument is pointed at ("comment on the post I
just published") and when it is stated ("comment on post 3"), so the template says only `{tweet_id}`
and these display words turn a bare number into a noun phrase. They cover every parameter of the
domain's spec that consumes the id resource.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping

from funreason_envs.domains import domain_class
from funreason_envs.synthesis.kits import Phrasebook


class IdWords(Mapping[str, str]):
    """Display words for any integer id: `IdWords("post {}")["3"] == "post 3"`; other keys are absent."""

    def __init__(self, template: str) -> None:
        self.template = template

    def __getitem__(self, key: str) -> str:
        if not key.lstrip("-").isdigit():
            raise KeyError(key)
        return self.template.format(key)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key.lstrip("-").isdigit()

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


def with_id_words(phrasebook: Phrasebook, domain: str, resource: str, template: str) -> Phrasebook:
    """`phrasebook` with `template` display words for every parameter of `domain` consuming `resource`."""
    words = IdWords(template)
    keys = [
        f"{tool.name}.{param}"
        for tool in domain_class(domain).spec().tools
        for param, kinds in tool.consumed.items()
        if resource in kinds
    ]
    display: dict[str, Mapping[str, str]] = dict(phrasebook.display)
    display.update({key: words for key in keys if key not in display})
    return dataclasses.replace(phrasebook, display=display)
