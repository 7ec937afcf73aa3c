"""AWS::ApiGateway::Method as CloudFormation creates it on AWS, MOCK integrations included.

Stock moto 5.2.1 reads `Integration.Uri` and `Integration.IntegrationHttpMethod` unconditionally
when a stack creates a method, so a MOCK integration (which has neither, on AWS as here) fails the
stack with KeyError 'Uri'. It also drops the integration's request templates, passthrough
behaviour and integration responses, and the method responses. On AWS all of them are part of the
method: GetMethod shows the method responses and the integration with its responses.
"""

from __future__ import annotations

from typing import Any


def install() -> None:
    from moto.apigateway.models import Method, apigateway_backends

    def create_from_cloudformation_json(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Any:
        properties = cloudformation_json["Properties"]
        backend = apigateway_backends[account_id][region_name]
        api_id, resource_id, http_method = properties["RestApiId"], properties["ResourceId"], properties["HttpMethod"]
        method = backend.put_method(
            function_id=api_id,
            resource_id=resource_id,
            method_type=http_method,
            authorization_type=properties.get("AuthorizationType", "NONE"),
            api_key_required=properties.get("ApiKeyRequired"),
        )
        for response in properties.get("MethodResponses", []):
            backend.put_method_response(api_id, resource_id, http_method, str(response["StatusCode"]), response.get("ResponseModels"), response.get("ResponseParameters"))
        integration = properties.get("Integration")
        if integration:
            backend.put_integration(
                function_id=api_id,
                resource_id=resource_id,
                method_type=http_method,
                integration_type=integration["Type"],
                uri=integration.get("Uri"),
                integration_method=integration.get("IntegrationHttpMethod"),
                request_templates=integration.get("RequestTemplates"),
                passthrough_behavior=integration.get("PassthroughBehavior"),
                request_parameters=integration.get("RequestParameters"),
                content_handling=integration.get("ContentHandling"),
            )
            for response in integration.get("IntegrationResponses", []):
                backend.put_integration_response(
                    api_id,
                    resource_id,
                    http_method,
                    str(response["StatusCode"]),
                    response.get("SelectionPattern"),
                    response.get("ResponseTemplates") or {},
                    response.get("ResponseParameters") or {},
                    response.get("ContentHandling"),
                )
        return method

    Method.create_from_cloudformation_json = classmethod(create_from_cloudformation_json)  # type: ignore[method-assign,assignment]
