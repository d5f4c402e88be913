"""dugout: football news intelligence: who coaches where, whose job is at risk, who is moving, who said so."""

__version__ = "0.1.0"
