"""Form rendering in Bootstrap Italia markup, used by the accounts templates and allauth's elements.

`{{ field|widget_bi }}` renders the widget with the Bootstrap Italia class and the ARIA attributes that
tie it to its help text and errors (ids `<id>-aiuto`, `<id>-errori` as in utenti/_campo.html).
"""

from django import forms, template

register = template.Library()


@register.filter
def widget_bi(campo):
    widget = campo.field.widget
    attrs = {}
    if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
        classe = "form-check-input"
    elif isinstance(widget, forms.Select):
        classe = "form-select"
    else:
        classe = "form-control"
    if not isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        attrs["class"] = f"{widget.attrs.get('class', '')} {classe}".strip()
    descritto = []
    if campo.help_text:
        descritto.append(f"{campo.auto_id}-aiuto")
    if campo.errors:
        descritto.append(f"{campo.auto_id}-errori")
        attrs["aria-invalid"] = "true"
        if "class" in attrs:
            attrs["class"] += " is-invalid"
    if descritto:
        attrs["aria-describedby"] = " ".join(descritto)
    return campo.as_widget(attrs=attrs)


@register.filter
def e_scelta_multipla(campo) -> bool:
    return isinstance(campo.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple)


@register.filter
def e_casella(campo) -> bool:
    return isinstance(campo.field.widget, forms.CheckboxInput)
