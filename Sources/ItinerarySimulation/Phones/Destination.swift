/// A roaming destination: its MCC and the MNCs of its networks.
struct Destination: Sendable {
    let mcc: Int
    let mncs: [Int]

    static let all: [Destination] = [
        Destination(mcc: 440, mncs: [10, 20, 51]),  // Japan
        Destination(mcc: 450, mncs: [5, 8]),  // Korea
        Destination(mcc: 454, mncs: [0, 3, 6, 12]),  // Hong Kong
        Destination(mcc: 455, mncs: [0, 1]),  // Macao
        Destination(mcc: 466, mncs: [1, 92, 97]),  // Taiwan
        Destination(mcc: 520, mncs: [1, 3, 4]),  // Thailand
        Destination(mcc: 525, mncs: [1, 5]),  // Singapore
        Destination(mcc: 502, mncs: [12, 13, 19]),  // Malaysia
        Destination(mcc: 452, mncs: [1, 2, 4]),  // Vietnam
        Destination(mcc: 310, mncs: [260, 410]),  // United States
        Destination(mcc: 234, mncs: [10, 15, 20]),  // United Kingdom
        Destination(mcc: 262, mncs: [1, 2, 3]),  // Germany
        Destination(mcc: 505, mncs: [1, 2, 3]),  // Australia
    ]
}
