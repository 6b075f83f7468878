"""Liveness: a randomised blink and head-turn challenge read from facial landmarks."""
