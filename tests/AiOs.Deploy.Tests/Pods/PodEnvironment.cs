using System.Text.RegularExpressions;

namespace AiOs.Deploy.Tests.Pods;

/// <summary>One pod of the rendered silo Deployment, stood in for by a process on this machine: the environment its
/// container gets (the image's <c>ENV</c>, then <c>envFrom</c>, then <c>env</c>, as the kubelet builds it) and its volumes
/// as directories under <see cref="Root"/>. Two things are translated, because processes on one machine share a network
/// and a filesystem where pods do not: a path under a volume's mount path points into that volume's directory, and an
/// address of <c>0.0.0.0</c> (every interface of the pod) becomes the pod's own IP, a loopback address of its own.
/// Anything the manifests use that this class does not model fails the test rather than being skipped.</summary>
public sealed partial class PodEnvironment
{
    private readonly Dictionary<string, string> _mounts = new(StringComparer.Ordinal);

    private PodEnvironment(string name, string ip, string root)
    {
        Name = name;
        Ip = ip;
        Root = root;
    }

    /// <summary>The pod's name (<c>metadata.name</c>): the silo id.</summary>
    public string Name { get; }

    /// <summary>The pod's IP (<c>status.podIP</c>): a loopback address such as 127.0.0.2.</summary>
    public string Ip { get; }

    /// <summary>The directory holding this pod's volumes.</summary>
    public string Root { get; }

    /// <summary>The container's environment, complete: nothing is inherited from the test runner but <c>PATH</c> and
    /// <c>HOME</c>, which the container has too.</summary>
    public Dictionary<string, string> Variables { get; } = new(StringComparer.Ordinal);

    /// <summary>The container's named ports.</summary>
    public Dictionary<string, int> Ports { get; } = new(StringComparer.Ordinal);

    /// <summary>Builds the pod: creates its volumes under <paramref name="root"/> (Secrets from <paramref name="secrets"/>,
    /// by Secret name and key; emptyDirs empty) and its environment from the silo container of
    /// <paramref name="deployment"/> and the ConfigMaps among <paramref name="objects"/>.</summary>
    public static PodEnvironment Create(
        Dictionary<object, object> deployment,
        IReadOnlyList<Dictionary<object, object>> objects,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> secrets,
        string name,
        string ip,
        string root)
    {
        var pod = new PodEnvironment(name, ip, root);
        var spec = Manifests.Map(deployment, "spec", "template", "spec");
        var container = (Dictionary<object, object>)Manifests.List(spec, "containers").Single();
        pod.CreateVolumes(spec, container, secrets);

        foreach (var port in Manifests.List(container, "ports").Cast<Dictionary<object, object>>())
        {
            pod.Ports[(string)port["name"]] = int.Parse((string)port["containerPort"], System.Globalization.CultureInfo.InvariantCulture);
        }

        foreach (var (key, value) in BaseImageEnvironment)
        {
            pod.Set(key, value);
        }

        foreach (var (key, value) in ImageEnvironment())
        {
            pod.Set(key, value);
        }

        // The kubelet sets HOSTNAME to the pod's name.
        pod.Set("HOSTNAME", name);
        foreach (var source in container.TryGetValue("envFrom", out var envFrom) ? ((List<object>)envFrom).Cast<Dictionary<object, object>>() : [])
        {
            var prefix = source.TryGetValue("prefix", out var p) ? (string)p : "";
            var data = source.TryGetValue("configMapRef", out var configMap) ? ConfigMap(objects, (string)((Dictionary<object, object>)configMap)["name"])
                : source.TryGetValue("secretRef", out var secret) ? secrets[(string)((Dictionary<object, object>)secret)["name"]]
                : throw new NotSupportedException("envFrom source not modelled: " + string.Join(',', source.Keys));
            foreach (var (key, value) in data)
            {
                pod.Set(prefix + key, value);
            }
        }

        foreach (var variable in Manifests.List(container, "env").Cast<Dictionary<object, object>>())
        {
            var key = (string)variable["name"];
            if (variable.TryGetValue("value", out var literal))
            {
                pod.Set(key, (string)literal);
            }
            else if (pod.ValueFrom(Manifests.Map(variable, "valueFrom"), objects, secrets) is { } value)
            {
                pod.Set(key, value);
            }
        }

        // The runtime finds dotnet on PATH, as in the image; HOME is the non-root user's.
        pod.Variables["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin";
        pod.Variables["HOME"] = Path.Combine(root, "home");
        Directory.CreateDirectory(pod.Variables["HOME"]);
        return pod;
    }

    /// <summary>What the runtime base image (mcr.microsoft.com/dotnet/aspnet) sets and the AiOs image keeps or overrides.</summary>
    public static IReadOnlyDictionary<string, string> BaseImageEnvironment { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["APP_UID"] = "1654",
        ["ASPNETCORE_HTTP_PORTS"] = "8080",
        ["DOTNET_RUNNING_IN_CONTAINER"] = "true",
    };

    /// <summary>The variables the image sets (<c>ENV</c> in deploy/Dockerfile), which the container starts with.</summary>
    public static IReadOnlyDictionary<string, string> ImageEnvironment()
    {
        var dockerfile = File.ReadAllText(Path.Combine(Manifests.RepositoryRoot, "deploy", "Dockerfile"));
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match instruction in EnvInstruction().Matches(dockerfile.Replace("\\\n", " ", StringComparison.Ordinal)))
        {
            foreach (var assignment in instruction.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = assignment.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0 || assignment.Contains('"', StringComparison.Ordinal) || assignment.Contains('$', StringComparison.Ordinal))
                {
                    throw new NotSupportedException($"ENV form not modelled: {assignment}");
                }

                result[assignment[..equals]] = assignment[(equals + 1)..];
            }
        }

        return result.Count > 0 ? result : throw new InvalidOperationException("deploy/Dockerfile has no ENV instruction");
    }

    /// <summary>The variables to give <c>ServiceProcess</c>: the pod's, and every other variable of the test runner removed.</summary>
    public IReadOnlyDictionary<string, string?> ForProcess()
    {
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var key in Environment.GetEnvironmentVariables().Keys.Cast<string>())
        {
            result[key] = null;
        }

        foreach (var (key, value) in Variables)
        {
            result[key] = value;
        }

        return result;
    }

    private void Set(string key, string value) => Variables[key] = Translate(value);

    private string Translate(string value)
    {
        if (value == "0.0.0.0")
        {
            return Ip;
        }

        if (value.Contains("$(", StringComparison.Ordinal))
        {
            throw new NotSupportedException($"variable references are not modelled: {value}");
        }

        foreach (var (mountPath, directory) in _mounts.OrderByDescending(m => m.Key.Length))
        {
            if (value == mountPath || value.StartsWith(mountPath + "/", StringComparison.Ordinal))
            {
                return directory + value[mountPath.Length..];
            }
        }

        return value;
    }

    private string? ValueFrom(
        Dictionary<object, object> source,
        IReadOnlyList<Dictionary<object, object>> objects,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> secrets)
    {
        if (source.TryGetValue("fieldRef", out var field))
        {
            return (string)((Dictionary<object, object>)field)["fieldPath"] switch
            {
                "metadata.name" => Name,
                "status.podIP" => Ip,
                var other => throw new NotSupportedException("fieldRef not modelled: " + other),
            };
        }

        var (reference, data) = source.TryGetValue("secretKeyRef", out var secretRef)
            ? ((Dictionary<object, object>)secretRef, secrets.GetValueOrDefault((string)((Dictionary<object, object>)secretRef)["name"]))
            : source.TryGetValue("configMapKeyRef", out var configMapRef)
                ? ((Dictionary<object, object>)configMapRef, ConfigMapOrNull(objects, (string)((Dictionary<object, object>)configMapRef)["name"]))
                : throw new NotSupportedException("valueFrom not modelled: " + string.Join(',', source.Keys));
        var optional = reference.TryGetValue("optional", out var o) && (string)o == "true";
        if (data is not null && data.TryGetValue((string)reference["key"], out var value))
        {
            return value;
        }

        // An optional reference that resolves to nothing leaves the variable unset, as the kubelet does.
        return optional ? null : throw new InvalidOperationException($"{reference["name"]}/{reference["key"]} is required and missing");
    }

    private void CreateVolumes(Dictionary<object, object> spec, Dictionary<object, object> container, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> secrets)
    {
        var volumes = Manifests.List(spec, "volumes").Cast<Dictionary<object, object>>().ToDictionary(v => (string)v["name"]);
        foreach (var mount in Manifests.List(container, "volumeMounts").Cast<Dictionary<object, object>>())
        {
            var mountPath = (string)mount["mountPath"];
            var directory = Path.Combine(Root, mountPath.TrimStart('/'));
            Directory.CreateDirectory(directory);
            _mounts[mountPath] = directory;
            var volume = volumes[(string)mount["name"]];
            if (volume.TryGetValue("secret", out var secret))
            {
                var secretName = (string)((Dictionary<object, object>)secret)["secretName"];
                foreach (var (key, value) in secrets.TryGetValue(secretName, out var data) ? data : throw new InvalidOperationException($"the pod mounts Secret {secretName}, which the test does not provide"))
                {
                    var file = Path.Combine(directory, key);
                    File.WriteAllText(file, value);
                    if (!OperatingSystem.IsWindows())
                    {
                        // The Secret's defaultMode (0440): readable by the user and group only.
                        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.GroupRead);
                    }
                }
            }
            else if (!volume.ContainsKey("emptyDir"))
            {
                throw new NotSupportedException("volume type not modelled: " + string.Join(',', volume.Keys));
            }
        }
    }

    private static IReadOnlyDictionary<string, string> ConfigMap(IReadOnlyList<Dictionary<object, object>> objects, string name) =>
        ConfigMapOrNull(objects, name) ?? throw new InvalidOperationException($"ConfigMap {name} is not among the rendered objects");

    private static Dictionary<string, string>? ConfigMapOrNull(IReadOnlyList<Dictionary<object, object>> objects, string name) =>
        objects.SingleOrDefault(o => (string)o["kind"] == "ConfigMap" && (string)Manifests.Map(o, "metadata")["name"] == name) is { } configMap
            ? Manifests.Map(configMap, "data").ToDictionary(p => (string)p.Key, p => (string)p.Value, StringComparer.Ordinal)
            : null;

    [GeneratedRegex(@"^ENV\s+(.+)$", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex EnvInstruction();
}
