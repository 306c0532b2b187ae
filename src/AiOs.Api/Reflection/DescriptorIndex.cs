using Google.Protobuf.Reflection;

namespace AiOs.Api.Reflection;

/// <summary>The files served by reflection, with every symbol they define (services, methods, messages, fields, enums,
/// enum values, extensions) mapped to its file.</summary>
internal sealed class DescriptorIndex
{
    private readonly Dictionary<string, FileDescriptor> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FileDescriptor> _symbols = new(StringComparer.Ordinal);

    public DescriptorIndex(IEnumerable<FileDescriptor> roots)
    {
        foreach (var file in roots)
        {
            AddFile(file);
        }
    }

    public IEnumerable<string> ServiceNames => _files.Values.SelectMany(f => f.Services).Select(s => s.FullName).Order(StringComparer.Ordinal);

    public FileDescriptor? FindFile(string name) => _files.GetValueOrDefault(name);

    public FileDescriptor? FindSymbol(string symbol) => _symbols.GetValueOrDefault(symbol.TrimStart('.'));

    /// <summary>The file and everything it imports, transitively: reflection clients expect the whole closure.</summary>
    public static List<FileDescriptor> WithDependencies(FileDescriptor file)
    {
        var result = new List<FileDescriptor>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        Visit(file);
        return result;

        void Visit(FileDescriptor f)
        {
            if (!seen.Add(f.Name))
            {
                return;
            }

            result.Add(f);
            foreach (var dependency in f.Dependencies)
            {
                Visit(dependency);
            }
        }
    }

    private void AddFile(FileDescriptor file)
    {
        if (!_files.TryAdd(file.Name, file))
        {
            return;
        }

        foreach (var dependency in file.Dependencies)
        {
            AddFile(dependency);
        }

        foreach (var service in file.Services)
        {
            _symbols[service.FullName] = file;
            foreach (var method in service.Methods)
            {
                _symbols[method.FullName] = file;
            }
        }

        foreach (var message in file.MessageTypes)
        {
            AddMessage(message, file);
        }

        foreach (var enumType in file.EnumTypes)
        {
            AddEnum(enumType, file);
        }

        foreach (var extension in file.Extensions.UnorderedExtensions)
        {
            _symbols[extension.FullName] = file;
        }
    }

    private void AddMessage(MessageDescriptor message, FileDescriptor file)
    {
        _symbols[message.FullName] = file;
        foreach (var field in message.Fields.InDeclarationOrder())
        {
            _symbols[field.FullName] = file;
        }

        foreach (var nested in message.NestedTypes)
        {
            AddMessage(nested, file);
        }

        foreach (var enumType in message.EnumTypes)
        {
            AddEnum(enumType, file);
        }
    }

    private void AddEnum(EnumDescriptor enumType, FileDescriptor file)
    {
        _symbols[enumType.FullName] = file;
        foreach (var value in enumType.Values)
        {
            _symbols[value.FullName] = file;
        }
    }
}
