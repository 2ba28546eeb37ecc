from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "factcheck.accounts"
    verbose_name = "Accounts and roles"
