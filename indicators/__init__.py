"""What nq72 tracks: the indicator catalogue, periods and (later) progress maths. Pure Python."""
