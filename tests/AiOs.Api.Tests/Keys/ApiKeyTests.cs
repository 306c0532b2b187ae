using AiOs.Api.Keys;
using AiOs.Api.Tests.Infrastructure;
using AiOs.Api.V1;
using AiOs.Grpc;
using AiOs.Testing;

namespace AiOs.Api.Tests.Keys;

/// <summary>Keys through the API: created keys work with their scope, the secret is shown once and stored only as a hash,
/// revocation, the last operator key, and the key generated at first start.</summary>
public sealed class ApiKeyTests
{
    [Fact]
    public async Task FirstStart_WritesAnOperatorKey_ToAnOwnerOnlyFile_ThatWorks()
    {
        await using var host = await ApiHost.StartAsync();
        var file = Path.Combine(host.DataDirectory, InitialOperatorKey.FileName);

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        using var client = host.Client(host.InitialOperatorKey);
        var keys = await client.ListApiKeysAsync();
        var initial = Assert.Single(keys.Keys);
        Assert.Equal(ApiKeyScope.Operator, initial.Scope);
        Assert.Equal(InitialOperatorKey.CreatedBy, initial.CreatedBy);
    }

    [Fact]
    public async Task SecondStart_OnTheSameData_GeneratesNoOtherKey()
    {
        using var directory = new TempDirectory("aios-api");
        string firstKey;
        await using (var first = await ApiHost.StartAsync(dataDirectory: directory.Path))
        {
            firstKey = first.InitialOperatorKey;
        }

        await using var second = await ApiHost.StartAsync(dataDirectory: directory.Path);

        Assert.Equal(firstKey, second.InitialOperatorKey);
        using var client = second.Client(firstKey);
        Assert.Single((await client.ListApiKeysAsync(includeRevoked: true)).Keys);
    }

    [Fact]
    public async Task InitialKey_IsPrintedOnce()
    {
        await using var host = await ApiHost.StartAsync(api: o => o.GenerateInitialKey = false);
        var initialKey = (InitialOperatorKey)host.Services.GetService(typeof(InitialOperatorKey))!;
        using var console = new StringWriter();

        Assert.NotNull(await initialKey.EnsureAsync(console, CancellationToken.None));
        Assert.Null(await initialKey.EnsureAsync(console, CancellationToken.None));

        var printed = console.ToString();
        Assert.Equal(host.InitialOperatorKey, printed.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("aios_", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task CreatedKey_WorksWithItsScope_AndItsSecretIsNeverListed()
    {
        await using var host = await ApiHost.StartAsync();
        using var admin = host.Client(host.InitialOperatorKey);

        var created = await admin.CreateApiKeyAsync("dashboard", ApiKeyScope.ReadOnly);

        Assert.StartsWith("aios_" + created.Key.KeyId + "_", created.Secret, StringComparison.Ordinal);
        using var reader = host.Client(created.Secret);
        await reader.ListSilosAsync();
        var denied = await Assert.ThrowsAsync<RpcException>(() => reader.CreateApiKeyAsync("x", ApiKeyScope.Operator));
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        var listed = (await admin.ListApiKeysAsync()).ToString();
        Assert.Contains(created.Key.KeyId, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(created.Secret, listed, StringComparison.Ordinal);
        var stored = await ((AiOs.Persistence.IApiKeyStore)host.Services.GetService(typeof(AiOs.Persistence.IApiKeyStore))!).FindAsync(created.Key.KeyId);
        ApiKeySecret.TryParse(created.Secret, out _, out var secret);
        Assert.Equal(ApiKeySecret.Hash(secret!), stored!.SecretHash);
    }

    [Fact]
    public async Task Create_WithAnInvalidNameOrScope_IsInvalidArgument()
    {
        await using var host = await ApiHost.StartAsync();
        using var admin = host.Client(host.InitialOperatorKey);

        Assert.Equal(StatusCode.InvalidArgument, (await Assert.ThrowsAsync<RpcException>(() => admin.CreateApiKeyAsync("", ApiKeyScope.Operator))).StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, (await Assert.ThrowsAsync<RpcException>(() => admin.CreateApiKeyAsync("x", ApiKeyScope.Unspecified))).StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, (await Assert.ThrowsAsync<RpcException>(() => admin.CreateApiKeyAsync("x", (ApiKeyScope)42))).StatusCode);
    }

    [Fact]
    public async Task Revoke_TheLastOperatorKey_IsFailedPrecondition_UnknownKeyIsNotFound()
    {
        await using var host = await ApiHost.StartAsync();
        using var admin = host.Client(host.InitialOperatorKey);
        var initialId = Assert.Single((await admin.ListApiKeysAsync()).Keys).KeyId;

        var last = await Assert.ThrowsAsync<RpcException>(() => admin.RevokeApiKeyAsync(initialId));
        var unknown = await Assert.ThrowsAsync<RpcException>(() => admin.RevokeApiKeyAsync("0123456789ab"));

        Assert.Equal(StatusCode.FailedPrecondition, last.StatusCode);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        await admin.ListSilosAsync();
    }

    [Fact]
    public async Task Revoke_IsIdempotent_AndListsTheKeyAsRevoked()
    {
        await using var host = await ApiHost.StartAsync();
        using var admin = host.Client(host.InitialOperatorKey);
        var created = await admin.CreateApiKeyAsync("temp", ApiKeyScope.Frontend);

        var first = await admin.RevokeApiKeyAsync(created.Key.KeyId);
        var second = await admin.RevokeApiKeyAsync(created.Key.KeyId);

        Assert.Equal(first.RevokedAt, second.RevokedAt);
        Assert.NotNull(first.RevokedAt);
        Assert.DoesNotContain((await admin.ListApiKeysAsync()).Keys, k => k.KeyId == created.Key.KeyId);
        Assert.Contains((await admin.ListApiKeysAsync(includeRevoked: true)).Keys, k => k.KeyId == created.Key.KeyId && k.RevokedBy.StartsWith("key:", StringComparison.Ordinal));
    }

    [Fact]
    public void Matches_ComparesTheWholeHash()
    {
        var (_, key, hash) = ApiKeySecret.Generate();
        ApiKeySecret.TryParse(key, out _, out var secret);

        Assert.True(ApiKeySecret.Matches(secret!, hash));
        Assert.False(ApiKeySecret.Matches(secret! + "x", hash));
        Assert.False(ApiKeySecret.Matches(secret!, hash[..16]));
        Assert.False(ApiKeySecret.TryParse("Bearer " + key, out _, out _));
        Assert.False(ApiKeySecret.TryParse("aios_ZZZZZZZZZZZZ_abc", out _, out _));
    }
}
