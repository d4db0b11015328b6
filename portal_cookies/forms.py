"""The base every form builds on."""

from flask_wtf import FlaskForm


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


class BaseForm(FlaskForm):
    """Strips surrounding whitespace from every text field before validation."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = unbound_field.kwargs.get("filters", [])
            if _strip not in filters:
                unbound_field.kwargs["filters"] = [_strip, *filters]
            return unbound_field.bind(form=form, **options)


class QueryForm(BaseForm):
    """A GET form read from the query string: no CSRF token, since it changes nothing."""

    class Meta:
        csrf = False


class ConfirmForm(BaseForm):
    """An empty form: the CSRF token behind every POST-only button."""
