"""Route 53 record sets identified and checked as Route 53 does. A record set is identified by its
name, type and set identifier, and the record sets of one name and type are either one simple
record or records of one routing policy, each with its own set identifier. Stock moto:

- CloudFormation's AWS::Route53::RecordSet create adds a record whatever the zone holds: a second
  record set with the same identity, or a simple record beside failover records (Route 53 refuses
  both), succeeds;
- its update deletes every record of the name (every type, both records of a failover pair) and
  then creates the new one, and its delete removes every record of the name and type (a failover
  pair's SECONDARY took its PRIMARY with it);
- ChangeResourceRecordSets CREATE and UPSERT accept a simple record beside failover records and
  the reverse, and a batch that fails half way keeps the changes before the failure.

On AWS (Route 53 API Reference, ChangeResourceRecordSets: a change batch is validated and applied
whole or not at all) a CREATE of an existing record set fails "Tried to create resource record set
[name='www.example.com.', type='A'] but it already exists"; a simple record beside others of its
name and type fails "RRSet with DNS name www.example.com., type A cannot be created as other RRSets
exist with the same name and type."; a failover record beside a simple (or weighted, ...) one
"RRSet with DNS name www.example.com., type A, SetIdentifier cloudfront cannot be created as a
non-failover set exists with the same name and type.". CloudFormation updates a record set with
one change batch (the old one deleted, the new one created): it fails as a whole when the new one
conflicts with what else the zone holds, and changes nothing then. A delete removes that record set
only.
"""

from __future__ import annotations

from typing import Any


def _name(name: str) -> str:
    return name.lower().rstrip(".")


def _identity(record: Any) -> tuple[str, str, str | None]:
    return (_name(record.name), record.type, record.set_identifier or None)


def _policy(record: Any) -> str:
    """The routing policy, in the words of Route 53's messages."""
    if record.failover:
        return "failover"
    if record.weight is not None:
        return "weighted"
    if record.region:
        return "latency"
    if record.geo_location:
        return "geolocation"
    if record.multi_value_answer:
        return "multivalue"
    return "simple"


def install() -> None:
    from moto.route53 import models
    from moto.route53.exceptions import Route53ClientError
    from moto.utilities.utils import get_partition

    class RecordSetConflict(Route53ClientError):
        def __init__(self, message: str) -> None:
            # Route 53 lists a batch's problems in brackets.
            super().__init__("InvalidChangeBatch", f"[{message}]")

    def check_can_create(existing: list[Any], new: Any) -> None:
        """Raise what Route 53 answers when `new` cannot join `existing` (the zone's other records)."""
        fqdn = _name(new.name) + "."
        same = [r for r in existing if _name(r.name) == _name(new.name) and r.type == new.type]
        for record in same:
            if _identity(record) == _identity(new):
                who = f"name='{fqdn}', type='{new.type}'" + (f", set-identifier='{new.set_identifier}'" if new.set_identifier else "")
                raise RecordSetConflict(f"Tried to create resource record set [{who}] but it already exists")
        if not same:
            return
        if not new.set_identifier:
            raise RecordSetConflict(f"RRSet with DNS name {fqdn}, type {new.type} cannot be created as other RRSets exist with the same name and type.")
        for record in same:
            if not record.set_identifier or _policy(record) != _policy(new):
                raise RecordSetConflict(f"RRSet with DNS name {fqdn}, type {new.type}, SetIdentifier {new.set_identifier} cannot be created as a non-{_policy(new)} set exists with the same name and type.")

    FakeZone = models.FakeZone
    RecordSet = models.RecordSet
    original_add_rrset = FakeZone.add_rrset
    original_upsert_rrset = FakeZone.upsert_rrset

    def add_rrset(self: Any, record_set: dict[str, Any]) -> Any:
        check_can_create(self.rrsets, RecordSet(record_set))
        return original_add_rrset(self, record_set)

    def upsert_rrset(self: Any, record_set: dict[str, Any]) -> Any:
        new = RecordSet(record_set)
        # UPSERT replaces the record set of the same identity, so only the others can conflict.
        check_can_create([r for r in self.rrsets if _identity(r) != _identity(new)], new)
        return original_upsert_rrset(self, record_set)

    FakeZone.add_rrset = add_rrset
    FakeZone.upsert_rrset = upsert_rrset

    original_change = models.Route53Backend.change_resource_record_sets

    def change_resource_record_sets(self: Any, zoneid: str, change_list: list[dict[str, Any]]) -> None:
        zone = self.get_hosted_zone(zoneid)
        records, journal = list(zone.rrsets), len(zone.rr_changes)
        try:
            original_change(self, zoneid, change_list)
        except Exception:
            # All or none: the changes before the failing one are undone.
            zone.rrsets = records
            del zone.rr_changes[journal:]
            raise

    models.Route53Backend.change_resource_record_sets = change_resource_record_sets

    def zone_of(properties: dict[str, Any], account_id: str, region_name: str) -> Any:
        backend = models.route53_backends[account_id][get_partition(region_name)]
        zone_name = properties.get("HostedZoneName")
        zone = backend.get_hosted_zone_by_name(zone_name) if zone_name else None
        return zone if zone is not None else backend.get_hosted_zone(properties["HostedZoneId"])

    def without(zone: Any, identity: tuple[str, str, str | None]) -> None:
        zone.rrsets = [r for r in zone.rrsets if _identity(r) != identity]

    def update_from_cloudformation_json(cls: Any, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> Any:
        # One change batch: DELETE the record set as it was, CREATE it as it is now.
        zone = zone_of(cloudformation_json["Properties"], account_id, region_name)
        before = list(zone.rrsets)
        without(zone, _identity(original_resource))
        try:
            return zone.add_rrset(cloudformation_json["Properties"])
        except Exception:
            zone.rrsets = before
            raise

    def delete_from_cloudformation_json(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> None:
        properties = cloudformation_json["Properties"]
        zone = zone_of(properties, account_id, region_name)
        without(zone, (_name(properties.get("Name") or resource_name), properties.get("Type"), properties.get("SetIdentifier") or None))

    def delete(self: Any, account_id: str, region: str) -> None:
        properties = {"HostedZoneName": self.hosted_zone_name, "HostedZoneId": self.hosted_zone_id}
        without(zone_of(properties, account_id, region), _identity(self))

    RecordSet.update_from_cloudformation_json = classmethod(update_from_cloudformation_json)
    RecordSet.delete_from_cloudformation_json = classmethod(delete_from_cloudformation_json)
    RecordSet.delete = delete
