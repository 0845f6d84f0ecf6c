"""Signal receivers of the accounts app (wired in AccountsConfig.ready)."""


def sync_roles_after_migrate(sender, **kwargs) -> None:
    """Keep the four role groups and their permissions in step with accounts.roles."""
    from accounts.roles import roles_sync

    roles_sync()
