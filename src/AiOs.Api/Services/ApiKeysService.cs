using AiOs.Api.Keys;
using AiOs.Api.Server;
using AiOs.Api.V1;
using AiOs.Grpc;
using AiOs.Persistence;
using Google.Protobuf.WellKnownTypes;

namespace AiOs.Api.Services;

/// <summary>aios.v1.ApiKeys: create (the secret is in the response only), list, revoke.</summary>
internal sealed class ApiKeysService(ApiKeyManager keys) : IGrpcService
{
    public void Bind(ServiceBinder binder)
    {
        var service = ApiKeysReflection.Descriptor.Services[0];
        binder.Unary<CreateApiKeyRequest, CreateApiKeyResponse>(service, "CreateApiKey", CreateAsync);
        binder.Unary<ListApiKeysRequest, ListApiKeysResponse>(service, "ListApiKeys", ListAsync);
        binder.Unary<RevokeApiKeyRequest, ApiKey>(service, "RevokeApiKey", async (request, call) =>
            ToContract(await keys.RevokeAsync(request.KeyId, call.Actor, call.CancellationToken).ConfigureAwait(false)));
    }

    private async Task<CreateApiKeyResponse> CreateAsync(CreateApiKeyRequest request, ServerCallContext call)
    {
        var scope = ApiKeyScopes.FromContract(request.Scope)
            ?? throw new RpcException(StatusCode.InvalidArgument, "scope must be API_KEY_SCOPE_OPERATOR, _FRONTEND or _READ_ONLY");
        var (key, secret) = await keys.CreateAsync(request.Name, scope, call.Actor, call.CancellationToken).ConfigureAwait(false);
        return new CreateApiKeyResponse { Key = ToContract(key), Secret = secret };
    }

    private async Task<ListApiKeysResponse> ListAsync(ListApiKeysRequest request, ServerCallContext call)
    {
        var response = new ListApiKeysResponse();
        response.Keys.AddRange((await keys.ListAsync(request.IncludeRevoked, call.CancellationToken).ConfigureAwait(false)).Select(ToContract));
        return response;
    }

    private static ApiKey ToContract(StoredApiKey key)
    {
        var contract = new ApiKey
        {
            KeyId = key.KeyId,
            Name = key.Name,
            Scope = ApiKeyScopes.ToContract(key.Scope),
            CreatedAt = Timestamp.FromDateTimeOffset(key.CreatedAt),
            CreatedBy = key.CreatedBy,
            RevokedBy = key.RevokedBy ?? "",
        };
        if (key.RevokedAt is { } revokedAt)
        {
            contract.RevokedAt = Timestamp.FromDateTimeOffset(revokedAt);
        }

        return contract;
    }
}
