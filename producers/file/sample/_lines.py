"""Tiny helper shared by the bank modules."""


def L(block: str) -> list[str]:
    """One entry per non-empty line."""
    return [line.strip() for line in block.strip().splitlines() if line.strip()]


def bank(pos: str = "", neg: str = "", neu: str = "") -> dict[str, list[str]]:
    return {"pos": L(pos), "neg": L(neg), "neu": L(neu)}
