/// Finds, for a regular expression, literal texts one of which every match must contain, so a
/// keyword scan can rule the expression out without running it.
///
/// The analysis is deliberately shallow: groups, classes, wildcards and quantified atoms only end
/// a literal run, they are never looked into. That keeps it conservative (what it returns is truly
/// required) for the syntax the bot lists use.
enum RequiredLiteral {
    /// Characters that stand for themselves after a backslash.
    private static let escapedLiterals = Set(##"/.-()[]{}?*+|^$\ :_@!;,='"#&%~<>"##)

    /// Lower-cased literals, one per top-level alternative; nil when some alternative has none.
    static func literals(of pattern: String) -> [String]? {
        var result: [String] = []
        for alternative in topLevelAlternatives(of: Array(pattern)) {
            guard let literal = longestRun(in: alternative), !literal.isEmpty else { return nil }
            result.append(literal)
        }
        return result
    }

    private static func topLevelAlternatives(of pattern: [Character]) -> [[Character]] {
        var alternatives: [[Character]] = []
        var current: [Character] = []
        var depth = 0
        var inClass = false
        var index = 0
        while index < pattern.count {
            let character = pattern[index]
            if character == "\\" {
                current.append(contentsOf: pattern[index..<min(index + 2, pattern.count)])
                index += 2
                continue
            }
            if inClass {
                if character == "]" { inClass = false }
            } else if character == "[" {
                inClass = true
            } else if character == "(" {
                depth += 1
            } else if character == ")" {
                depth -= 1
            } else if character == "|" && depth == 0 {
                alternatives.append(current)
                current = []
                index += 1
                continue
            }
            current.append(character)
            index += 1
        }
        alternatives.append(current)
        return alternatives
    }

    private static func longestRun(in pattern: [Character]) -> String? {
        var runs: [String] = []
        var run = ""
        func endRun() {
            if !run.isEmpty { runs.append(run) }
            run = ""
        }
        var index = 0
        let count = pattern.count
        while index < count {
            let character = pattern[index]
            switch character {
            case "\\":
                let next = index + 1 < count ? pattern[index + 1] : " "
                if escapedLiterals.contains(next) {
                    run.append(Character(next.lowercased()))
                } else {
                    endRun()
                }
                index += 2
            case "[":
                endRun()
                index = endOfClass(pattern, from: index)
            case "(":
                endRun()
                index = endOfGroup(pattern, from: index)
            case "?", "*":
                // The atom before is optional: it cannot be required.
                if !run.isEmpty { run.removeLast() }
                endRun()
                index += 1
            case "{":
                if !run.isEmpty { run.removeLast() }
                endRun()
                while index < count && pattern[index] != "}" { index += 1 }
                index += 1
            case "+", "^", "$", ".", "|", ")":
                endRun()
                index += 1
            default:
                run.append(Character(character.lowercased()))
                index += 1
            }
        }
        endRun()
        return runs.max { $0.count < $1.count }
    }

    /// The index after the `]` closing the class that opens at `start`.
    private static func endOfClass(_ pattern: [Character], from start: Int) -> Int {
        var index = start + 1
        if index < pattern.count && pattern[index] == "^" { index += 1 }
        if index < pattern.count && pattern[index] == "]" { index += 1 }
        while index < pattern.count && pattern[index] != "]" {
            if pattern[index] == "\\" { index += 1 }
            index += 1
        }
        return index + 1
    }

    /// The index after the `)` closing the group that opens at `start`.
    private static func endOfGroup(_ pattern: [Character], from start: Int) -> Int {
        var depth = 0
        var index = start
        while index < pattern.count {
            switch pattern[index] {
            case "\\":
                index += 2
                continue
            case "[":
                index = endOfClass(pattern, from: index)
                continue
            case "(":
                depth += 1
            case ")":
                depth -= 1
                if depth == 0 { return index + 1 }
            default:
                break
            }
            index += 1
        }
        return index
    }
}
