using AiOs.Api.Keys;
using AiOs.Api.Tests.Infrastructure;
using AiOs.Api.V1;
using AiOs.Grpc;
using Google.Protobuf.Reflection;

namespace AiOs.Api.Tests.Keys;

/// <summary>Every method of the contract checks the caller's key and scope before anything else (before "not implemented"
/// too): no key or a bad key is UNAUTHENTICATED, a key whose scope does not admit the method's access class is
/// PERMISSION_DENIED. Only health is open.</summary>
public sealed class ScopeTests : IAsyncLifetime
{
    private ApiHost _host = null!;
    private RawGrpc _raw = null!;
    private readonly Dictionary<string, string> _keys = [];

    public async ValueTask InitializeAsync()
    {
        _host = await ApiHost.StartAsync();
        _raw = new RawGrpc(_host.Endpoint);
        foreach (var scope in new[] { ApiKeyScopes.Operator, ApiKeyScopes.Frontend, ApiKeyScopes.ReadOnly })
        {
            _keys[scope] = await _host.CreateKeyAsync(scope);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _raw.Dispose();
        await _host.DisposeAsync();
    }

    public static TheoryData<string> ClosedMethods() => new(AllMethods().Where(m => AccessOf(m) != Access.Open).Select(Path));

    [Theory]
    [MemberData(nameof(ClosedMethods))]
    public async Task EveryClosedMethod_WithoutAKey_IsUnauthenticated(string path)
    {
        var response = await _raw.CallAsync(path, RawGrpc.Frame([]));

        Assert.Equal(StatusCode.Unauthenticated, response.Status);
    }

    [Theory]
    [MemberData(nameof(ClosedMethods))]
    public async Task EveryClosedMethod_WithAWrongSecret_IsUnauthenticated(string path)
    {
        var key = _keys[ApiKeyScopes.Operator];
        var wrong = key[..^4] + (key.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");

        var response = await _raw.CallAsync(path, RawGrpc.Frame([]), wrong);

        Assert.Equal(StatusCode.Unauthenticated, response.Status);
    }

    public static TheoryData<string, string> RefusedByScope() =>
        new(from method in AllMethods()
            from scope in new[] { ApiKeyScopes.Frontend, ApiKeyScopes.ReadOnly }
            where !ApiKeyScopes.Admits(scope, AccessOf(method))
            select (scope, Path(method)));

    [Theory]
    [MemberData(nameof(RefusedByScope))]
    public async Task ScopeThatDoesNotAdmitTheMethod_IsPermissionDenied(string scope, string path)
    {
        var response = await _raw.CallAsync(path, RawGrpc.Frame([]), _keys[scope]);

        Assert.Equal(StatusCode.PermissionDenied, response.Status);
        Assert.DoesNotContain(_keys[scope], response.Detail, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> AdmittedByScope() =>
        new(from method in AllMethods()
            from scope in new[] { ApiKeyScopes.Operator, ApiKeyScopes.Frontend, ApiKeyScopes.ReadOnly }
            where ApiKeyScopes.Admits(scope, AccessOf(method)) && !method.IsServerStreaming
            select (scope, Path(method)));

    [Theory]
    [MemberData(nameof(AdmittedByScope))]
    public async Task ScopeThatAdmitsTheMethod_GetsPastTheCheck(string scope, string path)
    {
        var response = await _raw.CallAsync(path, RawGrpc.Frame([]), _keys[scope]);

        Assert.NotEqual(StatusCode.Unauthenticated, response.Status);
        Assert.NotEqual(StatusCode.PermissionDenied, response.Status);
    }

    [Fact]
    public void Scopes_AdmitTheAccessClassesTheContractDescribes()
    {
        Assert.True(ApiKeyScopes.Admits(ApiKeyScopes.Operator, Access.Operate));
        Assert.False(ApiKeyScopes.Admits(ApiKeyScopes.Frontend, Access.Operate));
        Assert.False(ApiKeyScopes.Admits(ApiKeyScopes.ReadOnly, Access.Operate));
        Assert.True(ApiKeyScopes.Admits(ApiKeyScopes.Frontend, Access.SubmitGoals));
        Assert.False(ApiKeyScopes.Admits(ApiKeyScopes.ReadOnly, Access.SubmitGoals));
        Assert.True(ApiKeyScopes.Admits(ApiKeyScopes.ReadOnly, Access.ReadOperations));
        Assert.False(ApiKeyScopes.Admits(ApiKeyScopes.Frontend, Access.ReadOperations));
        Assert.True(ApiKeyScopes.Admits(ApiKeyScopes.ReadOnly, Access.ReadBusiness));
        Assert.False(ApiKeyScopes.Admits(ApiKeyScopes.Operator, Access.Unspecified) && ApiKeyScopes.Admits(ApiKeyScopes.Frontend, Access.Unspecified));
    }

    [Fact]
    public void OnlyHealth_IsOpen()
    {
        Assert.Equal(["aios.v1.Health"], AllMethods().Where(m => AccessOf(m) == Access.Open).Select(m => m.Service.FullName).Distinct());
    }

    [Fact]
    public async Task Health_NeedsNoKey()
    {
        using var client = _host.Client(null);

        Assert.Equal(ServingStatus.Serving, (await client.GetHealthAsync()).Status);
    }

    [Fact]
    public async Task RevokedKey_IsUnauthenticated_AtOnceOnTheSiloThatRevokedIt()
    {
        var key = await _host.CreateKeyAsync(ApiKeyScopes.ReadOnly);
        using var reader = _host.Client(key);
        await reader.ListSilosAsync();
        ApiKeySecret.TryParse(key, out var keyId, out _);

        using var operatorClient = _host.Client(_keys[ApiKeyScopes.Operator]);
        await operatorClient.RevokeApiKeyAsync(keyId!);

        var error = await Assert.ThrowsAsync<RpcException>(() => reader.ListSilosAsync());
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    private static IEnumerable<MethodDescriptor> AllMethods() => ApiContract.Services.SelectMany(s => s.Methods);

    private static Access AccessOf(MethodDescriptor method) =>
        method.GetOptions()?.HasExtension(AccessExtensions.Access) == true ? method.GetOptions().GetExtension(AccessExtensions.Access) : Access.Unspecified;

    private static string Path(MethodDescriptor method) => $"/{method.Service.FullName}/{method.Name}";
}
