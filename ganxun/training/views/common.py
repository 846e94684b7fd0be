"""What the training views share: who may change things, and the form-through-service pattern."""

from __future__ import annotations


def can_manage_training(user) -> bool:
    """Training and system administrators create and change activities; everyone else reads."""
    return user.is_authenticated and user.is_admin
