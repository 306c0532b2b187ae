using System.Text.Json;
using AiOs.Grpc;

namespace AiOs.Api.Interop.Tests;

/// <summary>Node's @grpc/grpc-js, loading the repository's .proto files with @grpc/proto-loader, against the real service.</summary>
[Trait("Category", "Integration")]
public sealed class GrpcJsInteropTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    [Fact]
    public async Task Unary_OpenAndWithAKey()
    {
        var result = await NodeClient.RunAsync("unary", service.NodeEnvironment);

        Assert.Equal(0, Code(result.GetProperty("health")));
        Assert.Equal("SERVING_STATUS_SERVING", result.GetProperty("health").GetProperty("response").GetProperty("status").GetString());
        Assert.Equal(0, Code(result.GetProperty("silos")));
        Assert.Single(result.GetProperty("silos").GetProperty("response").GetProperty("silos").EnumerateArray());
    }

    [Fact]
    public async Task ServerStream_DeliversLiveSamples_UntilTheClientCancels()
    {
        var result = await NodeClient.RunAsync("stream", service.NodeEnvironment);

        Assert.Equal(3, result.GetProperty("samples").GetArrayLength());
        Assert.Equal((int)StatusCode.Cancelled, Code(result));
        Assert.All(result.GetProperty("samples").EnumerateArray(), s => Assert.Equal(1, s.GetProperty("silos").GetInt32()));
    }

    [Fact]
    public async Task ExpiredDeadline_IsDeadlineExceeded()
    {
        var result = await NodeClient.RunAsync("deadline", service.NodeEnvironment);

        Assert.Equal((int)StatusCode.DeadlineExceeded, Code(result));
    }

    [Fact]
    public async Task WrongKey_IsUnauthenticated()
    {
        var result = await NodeClient.RunAsync("wrongKey", service.NodeEnvironment);

        Assert.Equal((int)StatusCode.Unauthenticated, Code(result));
    }

    [Fact]
    public async Task ReadOnlyKey_OnAWrite_IsPermissionDenied_WhileTheOperatorKeyMayWrite()
    {
        var refused = await NodeClient.RunAsync("readOnlyWrite", service.NodeEnvironment);
        var allowed = await NodeClient.RunAsync("operatorWrite", service.NodeEnvironment);

        Assert.Equal((int)StatusCode.PermissionDenied, Code(refused));
        Assert.Contains("read-only", refused.GetProperty("details").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, Code(allowed));
        Assert.StartsWith("aios_", allowed.GetProperty("response").GetProperty("secret").GetString(), StringComparison.Ordinal);
    }

    private static int Code(JsonElement result) => result.GetProperty("code").GetInt32();
}
