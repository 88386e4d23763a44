namespace K8sComm.Core.ApiProxy;

/// <summary>
/// apimachinery's name rules (k8s.io/apimachinery/pkg/util/validation): what the API server accepts as an
/// object name or a port name. A name that breaks them can't name a real object, and a name that keeps
/// them holds no ':', '/', '%', '.' segment or anything else that could change a URL's meaning.
/// </summary>
public static class KubernetesNames
{
    public const int Dns1123LabelMaxLength = 63;
    public const int Dns1123SubdomainMaxLength = 253;
    public const int PortNameMaxLength = 15;

    /// <summary>IsDNS1123Label: <c>[a-z0-9]([-a-z0-9]*[a-z0-9])?</c>, at most 63 characters.</summary>
    public static bool IsDns1123Label(ReadOnlySpan<char> value) =>
        value.Length is > 0 and <= Dns1123LabelMaxLength && IsLabelShape(value);

    /// <summary>IsDNS1123Subdomain: DNS-1123 labels joined by '.', at most 253 characters.</summary>
    public static bool IsDns1123Subdomain(ReadOnlySpan<char> value)
    {
        if (value.Length is 0 or > Dns1123SubdomainMaxLength)
            return false;
        // The subdomain regex bounds the whole name, not each label.
        while (true)
        {
            var dot = value.IndexOf('.');
            var label = dot < 0 ? value : value[..dot];
            if (label.Length == 0 || !IsLabelShape(label))
                return false;
            if (dot < 0)
                break;
            value = value[(dot + 1)..];
        }
        return true;
    }

    /// <summary>IsValidPortName (an IANA service name): 1-15 of <c>[-a-z0-9]</c>, at least one letter,
    /// no hyphen at either end and no two hyphens together.</summary>
    public static bool IsValidPortName(ReadOnlySpan<char> value)
    {
        if (value.Length is 0 or > PortNameMaxLength || value[0] == '-' || value[^1] == '-')
            return false;
        var letter = false;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c is >= 'a' and <= 'z')
                letter = true;
            else if (c == '-' ? value[i - 1] == '-' : c is < '0' or > '9')
                return false;
        }
        return letter;
    }

    /// <summary>IsValidPortNum as the proxy path carries it: 1-65535 in plain decimal digits (no sign, no
    /// leading zero, so one port has one spelling).</summary>
    public static bool IsPortNumber(ReadOnlySpan<char> value, out int port)
    {
        port = 0;
        if (value.Length is 0 or > 5 || value[0] == '0')
            return false;
        foreach (var c in value)
        {
            if (c is < '0' or > '9')
                return false;
            port = port * 10 + (c - '0');
        }
        return port <= 65535;
    }

    private static bool IsLabelShape(ReadOnlySpan<char> value)
    {
        if (!IsAlphanumeric(value[0]) || !IsAlphanumeric(value[^1]))
            return false;
        foreach (var c in value)
        {
            if (!IsAlphanumeric(c) && c != '-')
                return false;
        }
        return true;
    }

    private static bool IsAlphanumeric(char c) => c is (>= 'a' and <= 'z') or (>= '0' and <= '9');
}
