"""Public forms: the disclosure request form and the status lookup."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError

from disclosure.core.spamguard import SpamGuardMixin
from disclosure.disclosure_requests.models import (
    ORGANISATION_TYPES,
    ApplicantType,
    DisclosureRequest,
)

DESCRIPTION_MAX_CHARS = 5000
PURPOSE_MAX_CHARS = 1000

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# GB 32100-2015: the unified social credit code's alphabet has no I, O, Z, S or V.
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


def is_valid_id_number(value: str) -> bool:
    """An 18-digit resident identity number (GB 11643-1999) with a valid birth date and check digit."""
    value = value.strip().upper()
    if not re.fullmatch(r"\d{17}[\dX]", value):
        return False
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    if birth.year < 1900 or birth > dt.date.today():
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == value[17]


def is_valid_credit_code(value: str) -> bool:
    """An 18-character unified social credit code (GB 32100-2015) with a valid check character."""
    value = value.strip().upper()
    if len(value) != 18 or any(c not in _USCC_ALPHABET for c in value):
        return False
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(value[:17], _USCC_WEIGHTS, strict=True))
    check = (31 - total % 31) % 31
    return _USCC_ALPHABET[check] == value[17]


def normalise_phone(value: str) -> str:
    return re.sub(r"[\s()（）]", "", value or "").replace("—", "-")


def is_valid_phone(value: str) -> bool:
    value = normalise_phone(value)
    if value.startswith("+86"):
        value = value[3:]
    return bool(_MOBILE.match(value) or _LANDLINE.match(value))


class DisclosureRequestForm(SpamGuardMixin, forms.Form):
    """The public request form. Every message in Chinese; nothing typed is lost on an error."""

    applicant_type = forms.ChoiceField(
        label="申请人类型", choices=ApplicantType.choices, initial=ApplicantType.CITIZEN,
        widget=forms.Select,
        help_text="公民选择“自然人”；法人或其他组织选择所属类别。",
    )
    applicant_name = forms.CharField(label="姓名或单位名称", max_length=100)
    id_number = forms.CharField(
        label="身份证号码或统一社会信用代码", max_length=18, min_length=18,
        help_text="公民填写 18 位居民身份证号码；法人或其他组织填写 18 位统一社会信用代码。",
    )
    contact_name = forms.CharField(label="联系人", max_length=50, required=False,
                                   help_text="法人或其他组织必填。")
    phone = forms.CharField(label="联系电话", max_length=30,
                            help_text="手机号码或带区号的固定电话。也可凭此号码查询办理进度。")
    email = forms.EmailField(label="电子邮箱", max_length=254, required=False,
                             help_text="填写后，我们会把申请回执发到此邮箱。")
    postal_address = forms.CharField(label="通信地址", max_length=200, required=False)
    postal_code = forms.CharField(label="邮政编码", max_length=6, required=False)
    description = forms.CharField(
        label="所需信息的内容描述", max_length=DESCRIPTION_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 8, "maxlength": DESCRIPTION_MAX_CHARS}),
        help_text=f"请写明所需信息的名称、文号或便于查询的其他特征，不超过 {DESCRIPTION_MAX_CHARS} 字。",
    )
    purpose = forms.CharField(
        label="所需信息的用途", max_length=PURPOSE_MAX_CHARS, required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": PURPOSE_MAX_CHARS}),
    )
    preferred_form = forms.ChoiceField(
        label="信息的提供形式", choices=DisclosureRequest.PreferredForm.choices,
        initial=DisclosureRequest.PreferredForm.ELECTRONIC, widget=forms.RadioSelect,
    )
    delivery = forms.ChoiceField(
        label="获取信息的方式", choices=DisclosureRequest.Delivery.choices,
        initial=DisclosureRequest.Delivery.EMAIL, widget=forms.RadioSelect,
    )

    # Browsers and assistive tools fill these from the user's own data (WCAG 1.3.5 输入目的).
    AUTOCOMPLETE = {"applicant_name": "name", "contact_name": "name", "phone": "tel", "email": "email",
                    "postal_address": "street-address", "postal_code": "postal-code"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, purpose in self.AUTOCOMPLETE.items():
            self.fields[name].widget.attrs.setdefault("autocomplete", purpose)
        for name, field in self.fields.items():
            field.error_messages["required"] = (
                "请选择此项。" if isinstance(field, forms.ChoiceField) else "请填写此项。"
            )
            if isinstance(field, forms.CharField) and field.max_length:
                field.error_messages["max_length"] = (
                    f"{field.label}不能超过 {field.max_length} 个字"
                    "（当前 %(show_value)d 个字），请精简后再提交。"
                )
            if name == "id_number":
                field.error_messages["min_length"] = "证件号码应为 18 位。"
                field.error_messages["max_length"] = "证件号码应为 18 位。"
        self.fields["email"].error_messages["invalid"] = "电子邮箱格式不正确，例如 name@example.com。"

    def clean_applicant_name(self):
        return self.cleaned_data["applicant_name"].strip()

    def clean_id_number(self):
        return self.cleaned_data["id_number"].strip().upper()

    def clean_phone(self):
        value = normalise_phone(self.cleaned_data["phone"])
        if not is_valid_phone(value):
            raise ValidationError("联系电话格式不正确：请填写 11 位手机号码或带区号的固定电话。")
        return value

    def clean_postal_code(self):
        value = self.cleaned_data["postal_code"].strip()
        if value and not re.fullmatch(r"\d{6}", value):
            raise ValidationError("邮政编码应为 6 位数字。")
        return value

    def clean(self):
        cleaned = super().clean()
        applicant_type = cleaned.get("applicant_type")
        id_number = cleaned.get("id_number")
        if applicant_type and id_number:
            if applicant_type in ORGANISATION_TYPES:
                if not is_valid_credit_code(id_number):
                    self.add_error("id_number", "统一社会信用代码不正确，请核对 18 位代码。")
            elif not is_valid_id_number(id_number):
                self.add_error("id_number", "身份证号码不正确，请核对 18 位号码（含末位校验码）。")
        if applicant_type in ORGANISATION_TYPES and not cleaned.get("contact_name"):
            self.add_error("contact_name", "法人或其他组织请填写联系人。")
        delivery = cleaned.get("delivery")
        if delivery == DisclosureRequest.Delivery.EMAIL and not cleaned.get("email") \
                and "email" not in self.errors:
            self.add_error("email", "选择电子邮件方式获取信息时，请填写电子邮箱。")
        if delivery == DisclosureRequest.Delivery.POST and not cleaned.get("postal_address"):
            self.add_error("postal_address", "选择邮寄方式获取信息时，请填写通信地址。")
        return cleaned

    def request_fields(self) -> dict:
        """The cleaned values the service takes."""
        names = ("applicant_type", "applicant_name", "id_number", "contact_name", "phone", "email",
                 "postal_address", "postal_code", "description", "purpose", "preferred_form",
                 "delivery")
        return {name: self.cleaned_data[name] for name in names}


class _TrackingNumberForm(forms.Form):
    """A tracking number and one more proof; the second field's messages never say which was wrong."""

    wrong_message = "申请编号或查询码不正确。"
    tracking_number = forms.CharField(label="申请编号", max_length=20,
                                      help_text="例如 YSQ-2026-0007。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages["required"] = "请填写此项。"
            field.error_messages["max_length"] = self.wrong_message

    def clean_tracking_number(self):
        return self.cleaned_data["tracking_number"].strip().upper()


class RequestStatusForm(_TrackingNumberForm):
    """Tracking number plus check code; nothing else opens a request (the phone is no secret)."""

    # Never echoed back into the page: a wrong guess shows nothing of what was typed.
    secret = forms.CharField(label="查询码", max_length=30,
                             widget=forms.PasswordInput(render_value=False,
                                                        attrs={"autocomplete": "off"}),
                             help_text="申请成功时显示并发送到邮箱的查询码。")

    def clean_secret(self):
        return self.cleaned_data["secret"].strip()


class CheckCodeResendForm(_TrackingNumberForm):
    """A lost check code: the tracking number and the e-mail or phone given in the request."""

    wrong_message = "申请编号或联系方式不正确。"
    contact = forms.CharField(label="登记的电子邮箱或联系电话", max_length=254,
                              widget=forms.TextInput(attrs={"autocomplete": "off"}),
                              help_text="须与申请时填写的一致。")

    def clean_contact(self):
        return self.cleaned_data["contact"].strip()
