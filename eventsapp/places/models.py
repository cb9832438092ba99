from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..dbtypes import persian_order


class Province(db.Model):
    __tablename__ = "provinces"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    name_en: Mapped[str] = mapped_column(String(80), default="")

    counties: Mapped[list["County"]] = relationship(
        back_populates="province", order_by=lambda: persian_order(County.name)
    )

    def __str__(self):
        return self.name


class County(db.Model):
    __tablename__ = "counties"
    __table_args__ = (UniqueConstraint("province_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))

    province: Mapped[Province] = relationship(back_populates="counties")

    def __str__(self):
        return self.name
