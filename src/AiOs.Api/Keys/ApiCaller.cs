namespace AiOs.Api.Keys;

/// <summary>Who made a call: the id and scope of the key it presented, or nobody for an open method called without one.</summary>
/// <param name="KeyId">The key's public id (safe to log).</param>
/// <param name="Scope">The key's scope (<see cref="ApiKeyScopes"/>).</param>
public sealed record ApiCaller(string KeyId, string Scope)
{
    /// <summary>How the caller appears in provenance and in <c>created_by</c>/<c>revoked_by</c>.</summary>
    public string Actor => "key:" + KeyId;
}
