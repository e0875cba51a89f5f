"""One date and number format per language (FORMAT_MODULE_PATH): every page, notification, email and PDF that
uses Django's `date` filter or `django.utils.formats` reads these, so no template spells a format string."""
