"""IntEnum and StrEnum for MicroPython, as far as pyscript-ffi uses them: members are plain ints
or strs (class attributes), and calling the class with a value returns that value if a member
has it, else raises ValueError. (MicroPython has no metaclasses to make members instances.)"""


class IntEnum:
    _member_type = int

    def __new__(cls, value):
        values = cls.__dict__.get("_values")
        if values is None:
            values = {v for k, v in cls.__dict__.items()
                      if k[:1] != "_" and isinstance(v, cls._member_type)}
            cls._values = values
        if value not in values:
            raise ValueError(f"{value!r} is not a valid {cls.__name__}")
        return value


class StrEnum(IntEnum):
    _member_type = str
