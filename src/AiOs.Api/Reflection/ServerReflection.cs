using AiOs.Api.Reflection.V1;
using AiOs.Api.Server;
using AiOs.Grpc;
using Google.Protobuf;
using Alpha = AiOs.Api.Reflection.V1Alpha;

namespace AiOs.Api.Reflection;

/// <summary>gRPC server reflection, v1 and v1alpha (older tools ask for the latter), so that generic gRPC tools can list
/// the services and call them. The two versions are the same messages on the wire, so v1alpha requests are answered by
/// re-reading them as v1. Reflection is open, as in other gRPC servers: the contract is public, calling it is not.</summary>
internal sealed class ServerReflection
{
    private readonly DescriptorIndex _index = new(
        ApiContract.Files.Append(ReflectionReflection.Descriptor).Append(Alpha.ReflectionReflection.Descriptor));

    public void Bind(ServiceBinder binder)
    {
        binder.DuplexStreaming<ServerReflectionRequest, ServerReflectionResponse>(
            ReflectionReflection.Descriptor.Services[0], "ServerReflectionInfo", async (requests, responses, _) =>
            {
                while (await requests.ReadNextAsync().ConfigureAwait(false) is { } request)
                {
                    await responses.WriteAsync(Answer(request)).ConfigureAwait(false);
                }
            });

        binder.DuplexStreaming<Alpha.ServerReflectionRequest, Alpha.ServerReflectionResponse>(
            Alpha.ReflectionReflection.Descriptor.Services[0], "ServerReflectionInfo", async (requests, responses, _) =>
            {
                while (await requests.ReadNextAsync().ConfigureAwait(false) is { } request)
                {
                    var answer = Answer(ServerReflectionRequest.Parser.ParseFrom(request.ToByteString()));
                    await responses.WriteAsync(Alpha.ServerReflectionResponse.Parser.ParseFrom(answer.ToByteString())).ConfigureAwait(false);
                }
            });
    }

    internal ServerReflectionResponse Answer(ServerReflectionRequest request)
    {
        var response = new ServerReflectionResponse { ValidHost = request.Host, OriginalRequest = request };
        switch (request.MessageRequestCase)
        {
            case ServerReflectionRequest.MessageRequestOneofCase.ListServices:
                var list = new ListServiceResponse();
                list.Service.AddRange(_index.ServiceNames.Select(name => new ServiceResponse { Name = name }));
                response.ListServicesResponse = list;
                break;
            case ServerReflectionRequest.MessageRequestOneofCase.FileByFilename:
                SetFile(response, _index.FindFile(request.FileByFilename), $"file {request.FileByFilename}");
                break;
            case ServerReflectionRequest.MessageRequestOneofCase.FileContainingSymbol:
                SetFile(response, _index.FindSymbol(request.FileContainingSymbol), $"symbol {request.FileContainingSymbol}");
                break;
            case ServerReflectionRequest.MessageRequestOneofCase.AllExtensionNumbersOfType:
                response.AllExtensionNumbersResponse = new ExtensionNumberResponse { BaseTypeName = request.AllExtensionNumbersOfType };
                break;
            default:
                response.ErrorResponse = new ErrorResponse { ErrorCode = (int)StatusCode.Unimplemented, ErrorMessage = "request not supported" };
                break;
        }

        return response;
    }

    private static void SetFile(ServerReflectionResponse response, Google.Protobuf.Reflection.FileDescriptor? file, string what)
    {
        if (file is null)
        {
            response.ErrorResponse = new ErrorResponse { ErrorCode = (int)StatusCode.NotFound, ErrorMessage = $"{what} not found" };
            return;
        }

        var files = new FileDescriptorResponse();
        files.FileDescriptorProto.AddRange(DescriptorIndex.WithDependencies(file).Select(f => f.SerializedData));
        response.FileDescriptorResponse = files;
    }
}
