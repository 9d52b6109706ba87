from django import forms
from django.utils.translation import gettext_lazy as _


class EmailForm(forms.Form):
    email = forms.EmailField(
        label=_("Din e-mailadresse"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "required": True}),
    )
