using AiOs.Api.Reflection.V1;
using AiOs.Api.Tests.Infrastructure;
using AiOs.Grpc;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Alpha = AiOs.Api.Reflection.V1Alpha;

namespace AiOs.Api.Tests.Server;

/// <summary>Server reflection as generic gRPC tools use it, in both protocol versions, with no key.</summary>
public sealed class ReflectionTests : IAsyncLifetime
{
    private ApiHost _host = null!;
    private RawGrpc _raw = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await ApiHost.StartAsync();
        _raw = new RawGrpc(_host.Endpoint);
    }

    public async ValueTask DisposeAsync()
    {
        _raw.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task V1_ListsEveryServiceOfTheContract_AndReflectionItself()
    {
        var response = await AskAsync("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo", new ServerReflectionRequest { ListServices = "*" });

        var names = response.ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Contains("aios.v1.Health", names);
        Assert.Contains("aios.v1.Goals", names);
        Assert.Contains("aios.v1.ApiKeys", names);
        Assert.Contains("grpc.reflection.v1.ServerReflection", names);
        Assert.Contains("grpc.reflection.v1alpha.ServerReflection", names);
    }

    [Fact]
    public async Task V1Alpha_AnswersTheSame()
    {
        var body = RawGrpc.Frame(new Alpha.ServerReflectionRequest { ListServices = "*" });

        var raw = await _raw.CallAsync("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", body);

        Assert.Equal(StatusCode.OK, raw.Status);
        var response = Alpha.ServerReflectionResponse.Parser.ParseFrom(Assert.Single(raw.Messages));
        Assert.Contains(response.ListServicesResponse.Service, s => s.Name == "aios.v1.Cluster");
    }

    [Fact]
    public async Task FileContainingSymbol_ReturnsTheFileAndItsImports()
    {
        var response = await AskAsync("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
            new ServerReflectionRequest { FileContainingSymbol = "aios.v1.Cluster.GetClusterStatus" });

        var files = response.FileDescriptorResponse.FileDescriptorProto.Select(b => FileDescriptorProto.Parser.ParseFrom(b)).ToList();
        Assert.Equal("aios/v1/cluster.proto", files[0].Name);
        Assert.Contains(files, f => f.Name == "aios/v1/access.proto");
        Assert.Contains(files, f => f.Name == "google/protobuf/timestamp.proto");
    }

    [Fact]
    public async Task UnknownSymbol_IsAnErrorResponse_NotAFailedCall()
    {
        var response = await AskAsync("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
            new ServerReflectionRequest { FileContainingSymbol = "aios.v1.NoSuchThing" });

        Assert.Equal((int)StatusCode.NotFound, response.ErrorResponse.ErrorCode);
    }

    private async Task<ServerReflectionResponse> AskAsync(string path, IMessage request)
    {
        var raw = await _raw.CallAsync(path, RawGrpc.Frame(request));
        Assert.Equal(StatusCode.OK, raw.Status);
        return ServerReflectionResponse.Parser.ParseFrom(Assert.Single(raw.Messages));
    }
}
