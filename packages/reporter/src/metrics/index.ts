// Barrel of the metrics part of the reporter; its owner adds exports here.
export {};
