"""The one error type the store raises for problems a user can fix.

The CLI prints a StoreError as one line and exits; anything else is a bug and
deserves its traceback. Keeping the type in its own module lets every store
module raise it without importing the Store class.
"""


class StoreError(Exception):
    """A database problem a user can act on: bad path, unreachable server, too-new schema."""
