// Barrel of the pipeline part of the reporter; its owner adds exports here.
export {};
